using System.Security.Cryptography;
using System.Text;
using AmiAudit.Collectors.RootFs;
using AmiAudit.Core.Model;

namespace AmiAudit.Collectors.Tests.RootFs;

/// <summary>
/// Issue 2 "Bad input": a hostile image root never makes the auditor read outside it, hang, or
/// allocate without bound, and secrets in user-data never reach the snapshot. Every discovered
/// collector runs, exactly as `amiaudit collect --root` would run them.
/// Not parallel: the bounded-memory assertion reads the process-wide allocation counter.
/// </summary>
[Collection(MeasuresProcessAllocations.Name)]
public sealed class HostileRootTests : IDisposable
{
    private const string Marker = "HOSTSECRET-7f3a9c-shadow-marker";
    private readonly string _hostDir = Directory.CreateTempSubdirectory("amiaudit-host-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_hostDir, true); } catch (IOException) { }
    }

    /// <summary>A stand-in for the host's /etc/shadow: a real host file a naive reader would reach.</summary>
    private string HostSecret(string name)
    {
        var path = Path.Combine(_hostDir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, $"root:{Marker}:19000:0:99999:7:::\n#!/bin/sh\ncurl https://{Marker.ToLowerInvariant()}.example/kubelet\nsystemctl enable {Marker}\n");
        return path;
    }

    private static async Task<(Snapshot Snapshot, string Json)> CollectAll(TempRoot root, string resolver = Resolvers.Openat2)
    {
        // WaitAsync throws TimeoutException if any collector blocks on a FIFO or device.
        var snapshot = await Task.Run(() => SnapshotCollector.Collect(root.Context(resolver: resolver))).WaitAsync(TimeSpan.FromSeconds(60));
        return (snapshot, SnapshotJson.Serialize(snapshot));
    }

    [Theory]
    [MemberData(nameof(Resolvers.All), MemberType = typeof(Resolvers))]
    public async Task Links_out_of_the_root_never_read_the_host(string resolver)
    {
        var secret = HostSecret("etc/shadow");
        var dirSecret = HostSecret("cloud/instance/user-data.txt");
        var secretHash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(secret)));
        var depth = string.Concat(Enumerable.Repeat("../", 20));
        using var root = new TempRoot()
            .Symlink("/etc/eks/bootstrap.sh", secret)                                        // absolute → re-rooted
            .Symlink("/etc/rc.local", depth + secret.TrimStart('/'))                          // ../ chain
            .Symlink("/var/lib/cloud/instance", Path.GetDirectoryName(dirSecret)!)            // absolute dir link
            .Symlink("/var/lib/cloud/instances/i-1", depth + Path.GetDirectoryName(dirSecret)!.TrimStart('/'))
            .Symlink("/usr/bin/kubelet", secret)
            .Symlink("/etc/os-release", depth + secret.TrimStart('/'))
            .Symlink("/etc/hostname", secret)
            .Symlink("/var/lib/dpkg/status", secret)
            .Symlink("/etc/systemd/system/evil.service", secret)
            .Symlink("/etc/systemd/system/multi-user.target.wants/evil.service", "../evil.service")
            .Symlink("/var/lib/docker/containers/abc", Path.GetDirectoryName(secret)!)
            .Symlink("/run/cloud-init/result.json", secret);

        var (snapshot, json) = await CollectAll(root, resolver);

        json.ShouldNotContain(Marker, Case.Insensitive);
        json.ShouldNotContain(secretHash);
        snapshot.Binaries.Single(b => b.Role == "kubelet").Exists.ShouldBeFalse();
        snapshot.Bootstrap.Scripts.ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(Resolvers.All), MemberType = typeof(Resolvers))]
    public async Task Symlink_loops_end_and_are_reported(string resolver)
    {
        using var root = new TempRoot()
            .Symlink("/etc/rc.local", "/etc/rc.local2").Symlink("/etc/rc.local2", "rc.local")
            .Symlink("/etc/eks/bootstrap.sh", "bootstrap.sh")
            .Symlink("/var/lib/cloud/scripts/per-boot", ".")
            .Symlink("/lib/modules", "/lib/modules/x")
            .Symlink("/etc/systemd/system/loop.service", "/etc/systemd/system/loop.service");

        var (snapshot, _) = await CollectAll(root, resolver);

        snapshot.Bootstrap.Scripts.ShouldBeEmpty();
        snapshot.Diagnostics.ShouldContain(d => d.Code == "symlink-loop");
    }

    [Theory]
    [MemberData(nameof(Resolvers.All), MemberType = typeof(Resolvers))]
    public async Task Fifos_and_devices_named_like_inputs_do_not_hang_and_are_noted(string resolver)
    {
        using var root = new TempRoot();
        var made = root.Fifo("/var/lib/cloud/instance/user-data.txt")
                   & root.Fifo("/etc/systemd/system/fifo.service")
                   & root.Fifo("/etc/os-release")
                   & root.Fifo("/var/lib/dpkg/status");
        made.ShouldBeTrue("mkfifo failed: without FIFOs this test would prove nothing");
        Directory.CreateDirectory(root.Host("/etc/eks"));
        var device = root.Run("mknod", root.Host("/etc/eks/bootstrap.sh"), "c", "1", "5"); // like /dev/zero: endless if read

        var (snapshot, _) = await CollectAll(root, resolver);

        snapshot.Diagnostics.ShouldContain(d => d.Path == "/var/lib/cloud/instance/user-data.txt" && d.Code == "not-regular");
        if (device) snapshot.Diagnostics.ShouldContain(d => d.Path == "/etc/eks/bootstrap.sh" && d.Code == "not-regular");
        snapshot.Bootstrap.Scripts.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_2GB_sparse_user_data_is_read_with_a_cap_in_bounded_memory()
    {
        using var root = new TempRoot().Write("/var/lib/cloud/instance/user-data.txt", "#!/bin/bash\ncurl https://amazon-eks.s3.amazonaws.com/1.29.0/2024-01-04/bin/linux/amd64/kubelet\n");
        using (var f = new FileStream(root.Host("/var/lib/cloud/instance/user-data.txt"), FileMode.Open, FileAccess.Write))
            f.SetLength(2L * 1024 * 1024 * 1024);
        using (var f = new FileStream(root.Host("/var/lib/dpkg/status").Also(p => Directory.CreateDirectory(Path.GetDirectoryName(p)!)), FileMode.Create, FileAccess.Write))
            f.SetLength(2L * 1024 * 1024 * 1024);
        root.WriteBytes("/usr/bin/kubelet", [1]);
        using (var f = new FileStream(root.Host("/usr/bin/kubelet"), FileMode.Open, FileAccess.Write))
            f.SetLength(2L * 1024 * 1024 * 1024);

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var started = DateTime.UtcNow;
        var (snapshot, json) = await CollectAll(root);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        allocated.ShouldBeLessThan(64L * 1024 * 1024, $"allocated {allocated / 1024 / 1024} MiB");
        (DateTime.UtcNow - started).ShouldBeLessThan(TimeSpan.FromSeconds(30));
        snapshot.Diagnostics.ShouldContain(d => d.Code == "size-capped" && d.Path == "/var/lib/cloud/instance/user-data.txt");
        snapshot.Diagnostics.ShouldContain(d => d.Code == "size-capped" && d.Path == "/usr/bin/kubelet");
        var script = snapshot.Bootstrap.Scripts.ShouldHaveSingleItem();
        (script.Size, script.Sha256).ShouldBe((2L * 1024 * 1024 * 1024, (string?)null));
        snapshot.Bootstrap.Urls.ShouldHaveSingleItem().Purpose.ShouldBe("kubelet"); // the capped head was still inspected
        json.Length.ShouldBeLessThan(1024 * 1024);
    }

    [Fact]
    public async Task Presigned_url_and_other_secrets_in_user_data_never_reach_the_snapshot()
    {
        const string userData = """
            #!/bin/bash
            export AWS_SECRET_ACCESS_KEY=SECRETKEYVALUE0123456789
            PRESIGNED="https://amazon-eks.s3.us-west-2.amazonaws.com/1.29.3/2024-04-19/bin/linux/amd64/kubelet?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20240419%2Fus-west-2%2Fs3%2Faws4_request&X-Amz-Date=20240419T120000Z&X-Amz-Expires=3600&X-Amz-Security-Token=SECRETSESSIONTOKEN&X-Amz-SignedHeaders=host&X-Amz-Signature=SECRETSIG0123456789abcdef"
            curl -fsSL -o /usr/bin/kubelet "$PRESIGNED"
            curl -fsSL https://deploy:SECRETPASSWORD@artifacts.internal/kubectl -o /usr/bin/kubectl
            kubeadm join 10.0.0.1:6443 --token SECRETJOINTOKEN
            """;
        using var root = new TempRoot()
            .Write("/var/lib/cloud/instance/user-data.txt", userData)
            .Write("/var/lib/cloud/data/result.json",
                """{"v1": {"datasource": "DataSourceEc2Local", "errors": ["('runcmd', ProcessExecutionError(\"curl https://b.s3.amazonaws.com/k?X-Amz-Signature=SECRETSIG0123456789abcdef&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE\"))"]}}""");

        var (snapshot, json) = await CollectAll(root);

        foreach (var secret in (string[])["SECRETSIG", "SECRETSESSIONTOKEN", "AKIAIOSFODNN7EXAMPLE", "SECRETKEYVALUE", "SECRETPASSWORD", "SECRETJOINTOKEN"])
            json.ShouldNotContain(secret);
        var kubelet = snapshot.Bootstrap.Urls.First(u => u.Purpose == "kubelet");
        kubelet.S3Key.ShouldBe("1.29.3/2024-04-19/bin/linux/amd64/kubelet");
        kubelet.Redacted.ShouldContain("X-Amz-Signature=REDACTED");
        snapshot.Bootstrap.Urls.ShouldContain(u => u.Purpose == "kubectl" && u.Redacted.StartsWith("https://REDACTED@artifacts.internal/", StringComparison.Ordinal));
        snapshot.Bootstrap.CloudInit!.Status.ShouldBe("error");
    }
}

internal static class TestExtensions
{
    public static T Also<T>(this T value, Action<T> action)
    {
        action(value);
        return value;
    }
}
