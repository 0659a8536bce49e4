// AWS SDK for Go (v1, Debian's golang-github-aws-aws-sdk-go-dev) against the
// gateway: one step of go-sdk.test.ts per run, named by the first argument;
// prints one JSON line the test checks. Endpoint, keys and bucket come from
// the environment. Built in GOPATH mode against Debian's Go sources.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"os"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/aws/credentials"
	"github.com/aws/aws-sdk-go/aws/session"
	"github.com/aws/aws-sdk-go/service/s3"
	"github.com/aws/aws-sdk-go/service/s3/s3manager"
)

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func main() {
	sess := session.Must(session.NewSession(&aws.Config{
		Endpoint:         aws.String(os.Getenv("S3_URL")),
		Region:           aws.String("us-east-1"),
		S3ForcePathStyle: aws.Bool(true),
		Credentials:      credentials.NewStaticCredentials(os.Getenv("AK"), os.Getenv("SK"), ""),
	}))
	c := s3.New(sess)
	b := aws.String(os.Getenv("BUCKET"))
	out := map[string]interface{}{}
	switch os.Args[1] {
	case "bucket":
		_, err := c.CreateBucket(&s3.CreateBucketInput{Bucket: b})
		must(err)
		l, err := c.ListBuckets(&s3.ListBucketsInput{})
		must(err)
		found := false
		for _, x := range l.Buckets {
			found = found || *x.Name == *b
		}
		out["listed"] = found
	case "put-get":
		_, err := c.PutObject(&s3.PutObjectInput{Bucket: b, Key: aws.String("docs/a.txt"), Body: bytes.NewReader([]byte("hello from go")),
			ContentType: aws.String("text/plain"), Metadata: map[string]*string{"Color": aws.String("blue")}})
		must(err)
		for _, k := range []string{"docs/sub/b.txt", "top.txt"} {
			_, err = c.PutObject(&s3.PutObjectInput{Bucket: b, Key: aws.String(k), Body: bytes.NewReader([]byte("x"))})
			must(err)
		}
		g, err := c.GetObject(&s3.GetObjectInput{Bucket: b, Key: aws.String("docs/a.txt")})
		must(err)
		body, _ := io.ReadAll(g.Body)
		out["body"] = string(body)
		out["type"] = *g.ContentType
		out["color"] = aws.StringValue(g.Metadata["Color"])
	case "list":
		r, err := c.ListObjectsV2(&s3.ListObjectsV2Input{Bucket: b, Prefix: aws.String("docs/"), Delimiter: aws.String("/")})
		must(err)
		keys, prefixes := []string{}, []string{}
		for _, o := range r.Contents {
			keys = append(keys, *o.Key)
		}
		for _, p := range r.CommonPrefixes {
			prefixes = append(prefixes, *p.Prefix)
		}
		out["keys"], out["prefixes"] = keys, prefixes
	case "multipart":
		data := make([]byte, 12*1024*1024)
		rand.New(rand.NewSource(7)).Read(data)
		up := s3manager.NewUploader(sess, func(u *s3manager.Uploader) { u.PartSize = 5 * 1024 * 1024 })
		_, err := up.Upload(&s3manager.UploadInput{Bucket: b, Key: aws.String("big.bin"), Body: bytes.NewReader(data)})
		must(err)
		h, err := c.HeadObject(&s3.HeadObjectInput{Bucket: b, Key: aws.String("big.bin")})
		must(err)
		g, err := c.GetObject(&s3.GetObjectInput{Bucket: b, Key: aws.String("big.bin")})
		must(err)
		got, _ := io.ReadAll(g.Body)
		out["etag"], out["size"] = *h.ETag, *h.ContentLength
		out["same"] = sha256.Sum256(got) == sha256.Sum256(data)
	case "presign":
		req, _ := c.GetObjectRequest(&s3.GetObjectInput{Bucket: b, Key: aws.String("docs/a.txt")})
		url, err := req.Presign(5 * time.Minute)
		must(err)
		res, err := http.Get(url)
		must(err)
		body, _ := io.ReadAll(res.Body)
		out["signed"] = bytes.Contains([]byte(url), []byte("X-Amz-Signature="))
		out["status"], out["body"] = res.StatusCode, string(body)
	case "delete":
		l, err := c.ListObjectsV2(&s3.ListObjectsV2Input{Bucket: b})
		must(err)
		ids := []*s3.ObjectIdentifier{}
		for _, o := range l.Contents {
			ids = append(ids, &s3.ObjectIdentifier{Key: o.Key})
		}
		d, err := c.DeleteObjects(&s3.DeleteObjectsInput{Bucket: b, Delete: &s3.Delete{Objects: ids}})
		must(err)
		deleted := []string{}
		for _, x := range d.Deleted {
			deleted = append(deleted, *x.Key)
		}
		sort.Strings(deleted)
		_, err = c.DeleteBucket(&s3.DeleteBucketInput{Bucket: b})
		must(err)
		out["deleted"], out["errors"] = deleted, len(d.Errors)
	default:
		must(fmt.Errorf("unknown step %s", os.Args[1]))
	}
	line, _ := json.Marshal(out)
	fmt.Println(string(line))
}
