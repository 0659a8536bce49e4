// minio-go v7 (Debian's golang-github-minio-minio-go-v7-dev) against the
// gateway: one step of go-sdk.test.ts per run, named by the first argument;
// prints one JSON line the test checks. Endpoint (host:port), keys and bucket
// come from the environment. Built in GOPATH mode against Debian's Go sources.
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func main() {
	ctx := context.Background()
	c, err := minio.New(os.Getenv("S3_HOST"), &minio.Options{
		Creds: credentials.NewStaticV4(os.Getenv("AK"), os.Getenv("SK"), ""), Secure: false, Region: "us-east-1", BucketLookup: minio.BucketLookupPath,
	})
	must(err)
	b := os.Getenv("BUCKET")
	out := map[string]interface{}{}
	switch os.Args[1] {
	case "bucket":
		must(c.MakeBucket(ctx, b, minio.MakeBucketOptions{Region: "us-east-1"}))
		list, err := c.ListBuckets(ctx)
		must(err)
		found := false
		for _, x := range list {
			found = found || x.Name == b
		}
		exists, err := c.BucketExists(ctx, b)
		must(err)
		out["listed"], out["exists"] = found, exists
	case "put-get":
		body := []byte("hello from minio-go")
		_, err := c.PutObject(ctx, b, "docs/a.txt", bytes.NewReader(body), int64(len(body)), minio.PutObjectOptions{ContentType: "text/plain", UserMetadata: map[string]string{"color": "blue"}})
		must(err)
		for _, k := range []string{"docs/sub/b.txt", "top.txt"} {
			_, err = c.PutObject(ctx, b, k, bytes.NewReader([]byte("x")), 1, minio.PutObjectOptions{})
			must(err)
		}
		o, err := c.GetObject(ctx, b, "docs/a.txt", minio.GetObjectOptions{})
		must(err)
		got, err := io.ReadAll(o)
		must(err)
		st, err := o.Stat()
		must(err)
		out["body"], out["type"], out["color"] = string(got), st.ContentType, st.UserMetadata["Color"]
	case "list":
		keys, prefixes := []string{}, []string{}
		for o := range c.ListObjects(ctx, b, minio.ListObjectsOptions{Prefix: "docs/"}) {
			must(o.Err)
			if strings.HasSuffix(o.Key, "/") {
				prefixes = append(prefixes, o.Key)
			} else {
				keys = append(keys, o.Key)
			}
		}
		out["keys"], out["prefixes"] = keys, prefixes
	case "multipart":
		data := make([]byte, 12*1024*1024)
		rand.New(rand.NewSource(7)).Read(data)
		info, err := c.PutObject(ctx, b, "big.bin", bytes.NewReader(data), int64(len(data)), minio.PutObjectOptions{PartSize: 5 * 1024 * 1024})
		must(err)
		o, err := c.GetObject(ctx, b, "big.bin", minio.GetObjectOptions{})
		must(err)
		got, err := io.ReadAll(o)
		must(err)
		out["etag"], out["size"] = info.ETag, info.Size
		out["same"] = sha256.Sum256(got) == sha256.Sum256(data)
	case "presign":
		u, err := c.PresignedGetObject(ctx, b, "docs/a.txt", 5*time.Minute, nil)
		must(err)
		res, err := http.Get(u.String())
		must(err)
		body, _ := io.ReadAll(res.Body)
		out["signed"] = strings.Contains(u.RawQuery, "X-Amz-Signature=")
		out["status"], out["body"] = res.StatusCode, string(body)
	case "delete":
		objects := make(chan minio.ObjectInfo)
		go func() {
			defer close(objects)
			for o := range c.ListObjects(ctx, b, minio.ListObjectsOptions{Recursive: true}) {
				objects <- o
			}
		}()
		failures := 0
		for e := range c.RemoveObjects(ctx, b, objects, minio.RemoveObjectsOptions{}) {
			fmt.Fprintln(os.Stderr, e.Err)
			failures++
		}
		left := []string{}
		for o := range c.ListObjects(ctx, b, minio.ListObjectsOptions{Recursive: true}) {
			left = append(left, o.Key)
		}
		sort.Strings(left)
		must(c.RemoveBucket(ctx, b))
		exists, err := c.BucketExists(ctx, b)
		must(err)
		out["errors"], out["left"], out["exists"] = failures, left, exists
	default:
		must(fmt.Errorf("unknown step %s", os.Args[1]))
	}
	line, _ := json.Marshal(out)
	fmt.Println(string(line))
}
