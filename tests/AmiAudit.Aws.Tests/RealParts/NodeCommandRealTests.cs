// Seeding moto and reading it back block like the synchronous CLI under test does; no sync context here to deadlock on.
#pragma warning disable xUnit1031
using System.IO.Compression;
using System.Net;
using System.Text;
using AmiAudit.Aws.Ssm;
using AmiAudit.Core.Model;
using Amazon.S3.Model;

namespace AmiAudit.Aws.Tests.RealParts;

/// <summary>
/// The script SSM runs on each node, run for real by bash here: IMDSv2 (a loopback stand-in that insists on the
/// session token) gives the instance id, zone, AMI and region; the built amiaudit collects this host live and
/// writes the snapshot to moto's S3 under PREFIX/DAY/AZ/INSTANCE-ID.json.gz; SSM would report its exit code.
/// </summary>
[Trait("Category", "RealParts")]
public sealed class NodeCommandRealTests(MotoServer moto) : IClassFixture<MotoServer>
{
    /// <summary>IMDSv2 on a raw loopback socket (HttpListener answers a bodiless PUT — curl's token request — with 411).</summary>
    private sealed class FakeImds : IDisposable
    {
        private readonly System.Net.Sockets.TcpListener _listener = new(IPAddress.Loopback, 0);
        public string Url { get; }
        public int Unauthorized;

        public FakeImds()
        {
            _listener.Start();
            Url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/";
            _ = Task.Run(async () =>
            {
                while (true)
                {
                    System.Net.Sockets.TcpClient client;
                    try { client = await _listener.AcceptTcpClientAsync(); } catch (Exception) { return; }
                    _ = Task.Run(() => Serve(client));
                }
            });
        }

        private void Serve(System.Net.Sockets.TcpClient client)
        {
            using (client)
            {
                var stream = client.GetStream();
                var reader = new StreamReader(stream, Encoding.ASCII);
                var request = reader.ReadLine()?.Split(' ') ?? [];
                var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                for (var line = reader.ReadLine(); !string.IsNullOrEmpty(line); line = reader.ReadLine())
                    if (line.IndexOf(':') is > 0 and var c) headers[line[..c]] = line[(c + 1)..].Trim();
                if (request.Length < 2) return;
                var (method, path) = (request[0], request[1]);
                string? answer = null;
                if (path == "/latest/api/token" && method == "PUT" && headers.ContainsKey("X-aws-ec2-metadata-token-ttl-seconds")) answer = "imds-token";
                else if (headers.GetValueOrDefault("X-aws-ec2-metadata-token") != "imds-token") Interlocked.Increment(ref Unauthorized);
                else answer = path switch
                {
                    "/latest/meta-data/instance-id" => "i-0node0000000001",
                    "/latest/meta-data/placement/availability-zone" => "us-east-1c",
                    "/latest/meta-data/ami-id" => "ami-0nodeimage",
                    "/latest/meta-data/placement/region" => "us-east-1",
                    _ => null,
                };
                var body = answer ?? "";
                var head = $"HTTP/1.1 {(answer is null ? "401 Unauthorized" : "200 OK")}\r\nContent-Length: {Encoding.ASCII.GetByteCount(body)}\r\nConnection: close\r\n\r\n";
                stream.Write(Encoding.ASCII.GetBytes(head + body));
            }
        }

        public void Dispose() => _listener.Stop();
    }

    private Cli.Outcome RunScript(string binary, FakeImds imds)
    {
        var script = string.Join('\n', NodeCommand.Build(binary, "s3://audit/node/", ["--label", "pool=it's-gpu"])) + "\n";
        var file = Path.Combine(Directory.CreateTempSubdirectory("amiaudit-node-").FullName, "run.sh");
        File.WriteAllText(file, script);
        var env = moto.Environment();
        env.Remove("AWS_REGION"); // the script passes the region IMDS gives
        env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds.Url;
        env["HOME"] = Path.GetDirectoryName(file)!;
        return Cli.Exec("/bin/bash", env, file);
    }

    private Snapshot Stored(string key)
    {
        using var session = moto.Session();
        using var response = session.S3.GetObjectAsync("audit", key).GetAwaiter().GetResult();
        using var gz = new GZipStream(response.ResponseStream, CompressionMode.Decompress);
        using var reader = new StreamReader(gz);
        return SnapshotJson.Deserialize(reader.ReadToEnd(), key);
    }

    private List<string> Keys()
    {
        using var session = moto.Session();
        return [.. session.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "audit", Prefix = "node/" }).GetAwaiter().GetResult().S3Objects.Select(o => o.Key)];
    }

    [Fact]
    public void The_node_script_collects_live_and_writes_to_the_store_under_the_imds_identity()
    {
        moto.Reset();
        using (var session = moto.Session()) session.S3.PutBucketAsync("audit").GetAwaiter().GetResult();
        using var imds = new FakeImds();
        var r = RunScript(Cli.Binary, imds);
        r.ExitCode.ShouldBe(0, r.Out + r.Error);
        imds.Unauthorized.ShouldBe(0, "every metadata read carries the IMDSv2 token");
        var key = Keys().ShouldHaveSingleItem();
        key.ShouldMatch(@"^node/\d{4}-\d{2}-\d{2}/us-east-1c/i-0node0000000001\.json\.gz$");
        var snapshot = Stored(key);
        snapshot.Target.InstanceId.ShouldBe("i-0node0000000001");
        snapshot.Target.AvailabilityZone.ShouldBe("us-east-1c");
        snapshot.Target.ImageId.ShouldBe("ami-0nodeimage");
        snapshot.Target.Labels["pool"].ShouldBe("it's-gpu");
        snapshot.Target.Kind.ShouldBe("live");
    }

    [Fact]
    public void A_binary_given_as_an_s3_url_is_fetched_with_the_node_role_and_a_failure_is_the_exit_code()
    {
        moto.Reset();
        using (var session = moto.Session())
        {
            session.S3.PutBucketAsync("audit").GetAwaiter().GetResult();
            session.S3.PutBucketAsync("tools").GetAwaiter().GetResult();
            // A launcher standing in for the binary in the tools bucket (the real one is tens of MB).
            var launcher = $"#!/bin/sh\nexec '{Cli.Binary}' \"$@\"\n";
            session.S3.PutObjectAsync(new PutObjectRequest { BucketName = "tools", Key = "amiaudit", ContentBody = launcher, UseChunkEncoding = false }).GetAwaiter().GetResult();
        }
        using var imds = new FakeImds();
        var r = RunScript("s3://tools/amiaudit", imds);
        r.ExitCode.ShouldBe(0, r.Out + r.Error);
        Keys().ShouldHaveSingleItem().ShouldEndWith("/us-east-1c/i-0node0000000001.json.gz");

        // No such binary in the bucket: the script fails, and SSM would see a non-zero exit with the reason on stderr.
        var missing = RunScript("s3://tools/missing", imds);
        missing.ExitCode.ShouldNotBe(0);
        InvocationStatus.FirstLine(missing.Error).ShouldNotBeNull();
    }
}
