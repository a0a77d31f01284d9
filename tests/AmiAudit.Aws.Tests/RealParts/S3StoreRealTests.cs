// Seeding moto and reading it back block like the synchronous CLI under test does; no sync context here to deadlock on.
#pragma warning disable xUnit1031
using System.Globalization;
using System.IO.Compression;
using System.Text;
using AmiAudit.Aws.Store;
using Amazon.S3.Model;

namespace AmiAudit.Aws.Tests.RealParts;

/// <summary>The S3 snapshot store against moto: a week of inventories written with collect --out s3://, read back
/// by scan and diff, and a prefix polluted with foreign, corrupt and oversized objects.</summary>
[Trait("Category", "RealParts")]
public sealed class S3StoreRealTests(MotoServer moto) : IClassFixture<MotoServer>
{
    private static readonly DateTimeOffset Sunday = new(2026, 11, 22, 9, 30, 0, TimeSpan.Zero);

    private MotoFleet WeekOfInventories()
    {
        moto.Reset();
        using var session = moto.Session();
        var fleet = MotoFleet.Create(session.Ec2).GetAwaiter().GetResult();
        session.S3.PutBucketAsync("audit").GetAwaiter().GetResult();
        for (var day = 6; day >= 0; day--)
        {
            var env = moto.Environment();
            env["SOURCE_DATE_EPOCH"] = Sunday.AddDays(-day).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            var r = Cli.Run(env, "collect", "--ec2", "--filter", "tag:eks:cluster-name=ml", "--out", "s3://audit/inv/");
            r.ExitCode.ShouldBe(0, r.Error);
        }
        return fleet;
    }

    private List<string> Keys(string prefix)
    {
        using var session = moto.Session();
        return [.. session.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "audit", Prefix = prefix }).GetAwaiter().GetResult().S3Objects.Select(o => o.Key)];
    }

    [Fact]
    public void A_week_is_seven_day_prefixes_of_zone_and_instance_keys_and_reads_back()
    {
        var fleet = WeekOfInventories();
        var keys = Keys("inv/");
        keys.Count.ShouldBe(7 * 4);
        keys.Select(k => k.Split('/')[1]).Distinct().Order(StringComparer.Ordinal)
            .ShouldBe([.. Enumerable.Range(0, 7).Select(d => Sunday.AddDays(d - 6).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))]);
        keys.ShouldContain($"inv/2026-11-22/us-east-1a/{fleet.InstancesA[0]}.json.gz");
        keys.ShouldContain($"inv/2026-11-16/us-east-1b/{fleet.InstancesB[1]}.json.gz");

        // One object back through scan --snapshot (gzip on the wire, a snapshot after).
        var scan = Cli.Run(moto.Environment(), "scan", "--snapshot", $"s3://audit/inv/2026-11-22/us-east-1a/{fleet.InstancesA[0]}.json.gz", "--format", "json");
        scan.ExitCode.ShouldBeOneOf(0, 1);
        scan.Out.ShouldContain(fleet.InstancesA[0]);

        // Two prefixes diffed: the zones' kubelet URLs.
        var diff = Cli.Run(moto.Environment(), "diff", "s3://audit/inv/2026-11-22/us-east-1a/", "s3://audit/inv/2026-11-22/us-east-1b/", "--format", "json");
        diff.ExitCode.ShouldBe(0, diff.Error);
        diff.Out.ShouldContain(MotoFleet.KubeletA);
        diff.Out.ShouldContain(MotoFleet.KubeletB);

        // The same zone a week apart: nothing diverges.
        var week = Cli.Run(moto.Environment(), "diff", "s3://audit/inv/2026-11-16/us-east-1a/", "s3://audit/inv/2026-11-22/us-east-1a/", "--format", "json");
        week.ExitCode.ShouldBe(0, week.Error);
        week.Out.ShouldNotContain(MotoFleet.KubeletB);
    }

    [Fact]
    public void Foreign_and_corrupt_objects_under_a_prefix_are_skipped_with_a_line_each()
    {
        WeekOfInventories();
        using (var session = moto.Session())
        {
            void Put(string key, byte[] body) => session.S3.PutObjectAsync(new PutObjectRequest { BucketName = "audit", Key = key, InputStream = new MemoryStream(body), UseChunkEncoding = false }).GetAwaiter().GetResult();
            Put("inv/2026-11-22/us-east-1a/README.txt", "not a snapshot"u8.ToArray());
            Put("inv/2026-11-22/us-east-1a/i-corrupt.json.gz", "plain text, not gzip"u8.ToArray());
            Put("inv/2026-11-22/us-east-1a/i-truncated.json.gz", Gzip("{\"schema\": \"amiaudit/snapshot/v1\", \"target\": {"));
            Put("inv/2026-11-22/us-east-1a/i-garbage.json", "{ this is not json"u8.ToArray());
        }
        var r = Cli.Run(moto.Environment(), "diff", "s3://audit/inv/2026-11-22/us-east-1a/", "s3://audit/inv/2026-11-22/us-east-1b/", "--format", "json");
        r.ExitCode.ShouldBe(0, r.Error);
        r.Out.ShouldContain(MotoFleet.KubeletA);
        var skipped = r.Error.Split('\n').Where(l => l.Contains("skipped", StringComparison.Ordinal)).ToList();
        skipped.Count.ShouldBe(4, r.Error);
        skipped.ShouldContain(l => l.Contains("README.txt") && l.Contains("not a snapshot"));
        skipped.ShouldContain(l => l.Contains("i-corrupt.json.gz") && l.Contains("not gzip"));
        skipped.ShouldContain(l => l.Contains("i-truncated.json.gz"));
        skipped.ShouldContain(l => l.Contains("i-garbage.json") && l.Contains("1:"));
    }

    [Fact]
    public void Oversized_objects_and_gzip_bombs_cost_one_capped_read()
    {
        moto.Reset();
        using var session = moto.Session();
        session.S3.PutBucketAsync("audit").GetAwaiter().GetResult();
        void Put(string key, byte[] body) => session.S3.PutObjectAsync(new PutObjectRequest { BucketName = "audit", Key = key, InputStream = new MemoryStream(body), UseChunkEncoding = false }).GetAwaiter().GetResult();
        Put("p/big.json", new byte[128 * 1024]);
        Put("p/bomb.json.gz", Gzip(new string(' ', 8 * 1024 * 1024), CompressionLevel.SmallestSize));
        Put("p/small.json.gz", Gzip("{}"));
        var store = new SnapshotStore(session, maxSnapshotBytes: 64 * 1024);
        var listed = Task.Run(async () =>
        {
            var all = new List<StoredObject>();
            await foreach (var o in store.ListAsync(S3Uri.Parse("s3://audit/p/"), CancellationToken.None, pageSize: 1)) all.Add(o);
            return all;
        }).GetAwaiter().GetResult();
        listed.Select(o => o.Uri.Key).ShouldBe(["p/big.json", "p/bomb.json.gz", "p/small.json.gz"]); // three pages of one
        Should.Throw<StoredObjectException>(() => store.ReadAsync(listed[0].Uri, listed[0].Size, CancellationToken.None).GetAwaiter().GetResult()).Reason.ShouldContain("larger than");
        // Unlisted size (scan --snapshot): the GET's length stops it.
        Should.Throw<StoredObjectException>(() => store.ReadAsync(listed[0].Uri, null, CancellationToken.None).GetAwaiter().GetResult()).Reason.ShouldContain("larger than");
        Should.Throw<StoredObjectException>(() => store.ReadAsync(listed[1].Uri, listed[1].Size, CancellationToken.None).GetAwaiter().GetResult()).Reason.ShouldContain("decompressed");
        Encoding.UTF8.GetString(store.ReadAsync(listed[2].Uri, listed[2].Size, CancellationToken.None).GetAwaiter().GetResult()).ShouldBe("{}");
        Should.Throw<StoredObjectException>(() => store.ReadAsync(S3Uri.Parse("s3://audit/p/missing.json"), null, CancellationToken.None).GetAwaiter().GetResult()).Reason.ShouldBe("no such object");
    }

    private static byte[] Gzip(string text, CompressionLevel level = CompressionLevel.Fastest)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, level, leaveOpen: true)) gz.Write(Encoding.UTF8.GetBytes(text));
        return ms.ToArray();
    }
}
