# Ruby's aws-sdk-s3 (Debian's ruby-aws-sdk-s3) against the gateway: one step
# of ruby.test.ts per run, named by the first argument; prints one JSON line
# the test checks. Endpoint, keys and bucket come from the environment.
require 'aws-sdk-s3'
require 'json'
require 'net/http'
require 'digest'

s3 = Aws::S3::Client.new(
  endpoint: ENV.fetch('S3_URL'), region: 'us-east-1', force_path_style: true,
  access_key_id: ENV.fetch('AK'), secret_access_key: ENV.fetch('SK'),
)
bucket = ENV.fetch('BUCKET')
out = {}
case ARGV[0]
when 'version'
  out = { version: Aws::S3::GEM_VERSION }
when 'bucket'
  s3.create_bucket(bucket: bucket)
  out = { listed: s3.list_buckets.buckets.map(&:name).include?(bucket) }
when 'put-get'
  s3.put_object(bucket: bucket, key: 'docs/a.txt', body: 'hello from ruby', content_type: 'text/plain', metadata: { 'color' => 'blue' })
  s3.put_object(bucket: bucket, key: 'docs/sub/b.txt', body: 'b')
  s3.put_object(bucket: bucket, key: 'top.txt', body: 't')
  got = s3.get_object(bucket: bucket, key: 'docs/a.txt')
  out = { body: got.body.read, type: got.content_type, metadata: got.metadata }
when 'list'
  r = s3.list_objects_v2(bucket: bucket, prefix: 'docs/', delimiter: '/')
  out = { keys: r.contents.map(&:key), prefixes: r.common_prefixes.map(&:prefix) }
when 'multipart'
  path = File.join(Dir.tmpdir, "ruby-big-#{Process.pid}")
  File.binwrite(path, Random.new(7).bytes(12 * 1024 * 1024))
  Aws::S3::Object.new(bucket, 'big.bin', client: s3).upload_file(path, multipart_threshold: 5 * 1024 * 1024)
  head = s3.head_object(bucket: bucket, key: 'big.bin')
  data = s3.get_object(bucket: bucket, key: 'big.bin').body.read
  out = { etag: head.etag, size: head.content_length, same: Digest::SHA256.hexdigest(data) == Digest::SHA256.file(path).hexdigest }
  File.delete(path)
when 'presign'
  url = Aws::S3::Presigner.new(client: s3).presigned_url(:get_object, bucket: bucket, key: 'docs/a.txt', expires_in: 300)
  res = Net::HTTP.get_response(URI(url))
  out = { signed: url.include?('X-Amz-Signature='), status: res.code.to_i, body: res.body }
when 'delete'
  keys = s3.list_objects_v2(bucket: bucket).contents.map(&:key)
  r = s3.delete_objects(bucket: bucket, delete: { objects: keys.map { |k| { key: k } } })
  s3.delete_bucket(bucket: bucket)
  out = { deleted: r.deleted.map(&:key).sort, errors: r.errors.size, gone: !s3.list_buckets.buckets.map(&:name).include?(bucket) }
else
  abort "unknown step #{ARGV[0]}"
end
puts JSON.generate(out)
