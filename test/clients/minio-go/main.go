// minio-go v7 (Debian's golang-github-minio-minio-go-v7-dev) against the
// gateway: a PutObject of known length, and one of unknown length (size -1),
// which minio-go streams as a multipart upload with a CRC32C per part and the
// object's composite CRC32C on CompleteMultipartUpload. Each object is read
// back and compared. Prints one JSON report; test/clients/minio-go.test.ts checks it.
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

type step struct {
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
	Equal bool   `json:"equal"`
	ETag  string `json:"etag"`
}

func main() {
	endpoint, _ := url.Parse(os.Getenv("S3_ENDPOINT"))
	signature := credentials.SignatureV4
	if os.Getenv("S3_SIGNATURE") == "v2" {
		signature = credentials.SignatureV2
	}
	client, err := minio.New(endpoint.Host, &minio.Options{
		Creds:  credentials.NewStatic(os.Getenv("S3_ACCESS_KEY"), os.Getenv("S3_SECRET_KEY"), "", signature),
		Secure: false, Region: "us-east-1", BucketLookup: minio.BucketLookupPath,
	})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	bucket := os.Getenv("S3_BUCKET")
	if err := client.MakeBucket(ctx, bucket, minio.MakeBucketOptions{}); err != nil {
		panic(err)
	}
	data := make([]byte, 23*1024*1024+321)
	for i := range data {
		data[i] = byte(i*31 + i/4096)
	}
	steps := map[string]step{}
	run := func(name string, size int64, reader io.Reader) {
		info, err := client.PutObject(ctx, bucket, name, reader, size, minio.PutObjectOptions{PartSize: 5 * 1024 * 1024})
		if err != nil {
			steps[name] = step{Error: err.Error()}
			return
		}
		obj, err := client.GetObject(ctx, bucket, name, minio.GetObjectOptions{})
		if err != nil {
			steps[name] = step{Error: err.Error()}
			return
		}
		got, err := io.ReadAll(obj)
		if err != nil {
			steps[name] = step{Error: err.Error()}
			return
		}
		a, b := sha256.Sum256(got), sha256.Sum256(data)
		steps[name] = step{OK: true, Equal: hex.EncodeToString(a[:]) == hex.EncodeToString(b[:]), ETag: info.ETag}
	}
	run("known-length", int64(len(data)), bytes.NewReader(data))
	// Unknown length: a plain io.Reader and size -1.
	run("unknown-length", -1, io.MultiReader(bytes.NewReader(data)))
	out, _ := json.Marshal(map[string]interface{}{"steps": steps})
	fmt.Println(string(out))
}
