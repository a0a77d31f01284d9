using System.Security.Cryptography;
using AmiAudit.Collectors.Binaries;
using AmiAudit.Collectors.Tests.RootFs;
using AmiAudit.Core.Model;

namespace AmiAudit.Collectors.Tests.Binaries;

public class BinaryCollectorTests
{
    private static readonly byte[] Kubelet = [.. "\u007fELF kubelet v1.29.3"u8, .. new byte[70_000]];

    [Fact]
    public void Hashes_agents_once_per_file_even_through_merged_usr_links()
    {
        using var root = new TempRoot()
            .WriteBytes("/usr/local/bin/kubelet", Kubelet)
            .WriteBytes("/usr/bin/containerd", [1, 2, 3])
            .WriteBytes("/usr/libexec/amazon-ecs-init", [4, 5])
            .Symlink("/bin", "usr/bin");

        var (s, _) = root.Collect(new BinaryCollector());

        s.Binaries.OrderBy(b => b.Path, StringComparer.Ordinal).Select(b => (b.Path, b.Role, b.Exists, b.Size)).ShouldBe(
        [
            ("/usr/bin/containerd", "containerd", true, (long?)3),
            ("/usr/libexec/amazon-ecs-init", "ecs-init", true, 2),
            ("/usr/local/bin/kubelet", "kubelet", true, Kubelet.Length),
        ]);
        s.Binaries.Single(b => b.Role == "kubelet").Sha256.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(Kubelet)));
    }

    [Fact]
    public void Missing_kubelet_is_recorded_as_missing_other_agents_are_absent()
    {
        using var root = new TempRoot().Mkdir("/usr/bin");
        var b = root.Collect(new BinaryCollector()).Snapshot.Binaries.ShouldHaveSingleItem();
        (b.Path, b.Role, b.Exists, b.Sha256).ShouldBe(("/usr/bin/kubelet", "kubelet", false, (string?)null));
    }

    [Fact]
    public void Kubelet_symlink_is_followed_inside_the_root_and_recorded_under_its_path()
    {
        using var root = new TempRoot().WriteBytes("/opt/k8s/kubelet-1.29", Kubelet).Symlink("/usr/bin/kubelet", "/opt/k8s/kubelet-1.29");
        var b = root.Collect(new BinaryCollector()).Snapshot.Binaries.Single(x => x.Role == "kubelet");
        (b.Path, b.Exists, b.Size).ShouldBe(("/usr/bin/kubelet", true, (long?)Kubelet.Length));
    }

    [Fact]
    public void Policy_named_paths_are_hashed_or_recorded_missing()
    {
        using var root = new TempRoot().WriteBytes("/usr/sbin/nvidia-smi", [9, 9, 9]);
        var ctx = root.Context(["/usr/sbin/nvidia-smi", "/usr/bin/nope", "/usr//sbin/./nvidia-smi"]);

        var s = new BinaryCollector().Collect(ctx, new Snapshot());

        var policy = s.Binaries.Where(b => b.Role == "policy").OrderBy(b => b.Path, StringComparer.Ordinal).Select(b => (b.Path, b.Exists, b.Size)).ToList();
        policy.ShouldBe([("/usr/bin/nope", false, (long?)null), ("/usr/sbin/nvidia-smi", true, 3)]);
    }

    [Fact]
    public async Task A_fifo_named_kubelet_is_not_opened()
    {
        using var root = new TempRoot();
        if (!root.Fifo("/usr/bin/kubelet")) return; // mkfifo unavailable: nothing to prove here
        // WaitAsync throws TimeoutException when collection hangs on the FIFO.
        var (s, ctx) = await Task.Run(() => root.Collect(new BinaryCollector())).WaitAsync(TimeSpan.FromSeconds(20));
        var b = s.Binaries.Single(x => x.Role == "kubelet");
        (b.Exists, b.Sha256).ShouldBe((false, (string?)null));
        ctx.Fs.Diagnostics.ShouldContain(d => d.Code == "not-regular" && d.Path == "/usr/bin/kubelet");
    }
}
