using AmiAudit.Collectors.RootFs;

namespace AmiAudit.Collectors.Tests.RootFs;

/// <summary>
/// Magic links (/proc/PID/root, cwd, exe, fd/N) are not symlinks to the kernel: followed, they jump
/// to the object itself, whatever root the lookup was confined to. A root that holds procfs (a build
/// chroot with /proc mounted, or literally --root /proc/self) must treat them as the text readlink
/// returns, resolved inside the root like any other link. /proc/self as the root makes that testable
/// without mounting anything.
/// </summary>
public sealed class MagicLinkTests : IDisposable
{
    private const string Marker = "HOSTSECRET-magic-93ac11";
    private readonly string _hostDir = Directory.CreateTempSubdirectory("amiaudit-host-").FullName;
    private readonly string _secret;

    public MagicLinkTests()
    {
        _secret = Path.Combine(_hostDir, "shadow");
        File.WriteAllText(_secret, $"root:{Marker}:19000::::::\n");
    }

    public void Dispose()
    {
        try { Directory.Delete(_hostDir, true); } catch (IOException) { }
    }

    [Theory]
    [MemberData(nameof(Resolvers.All), MemberType = typeof(Resolvers))]
    public void Proc_magic_links_in_a_root_are_resolved_as_text_inside_it(string resolver)
    {
        using var held = File.OpenRead(_secret);
        var fd = (int)held.SafeFileHandle.DangerousGetHandle();
        var fs = Resolvers.Create("/proc/self", resolver);

        fs.ReadText("/root" + _secret).ShouldBeNull();                        // root -> "/" : the root itself
        fs.ReadText($"/fd/{fd}").ShouldBeNull();                              // fd/N -> "<host path>" re-rooted: missing
        fs.ReadText($"/task/{Environment.CurrentManagedThreadId}/../../root" + _secret).ShouldBeNull();
        fs.Hash("/exe").ShouldBeNull();                                       // exe -> the dotnet host binary
        fs.Stat("/root" + _secret).Kind.ShouldBe(EntryKind.Missing);
        fs.Stat($"/fd/{fd}").Kind.ShouldBe(EntryKind.Missing);
        fs.List("/root" + _hostDir).ShouldBeEmpty();
        fs.Resolve("/root").ShouldBe("/");
        fs.Resolve($"/fd/{fd}").ShouldBe(_secret);                            // the text, as a path inside the root
        fs.Lstat($"/fd/{fd}").ShouldSatisfyAllConditions(
            e => e.Kind.ShouldBe(EntryKind.Symlink),
            e => e.LinkTarget.ShouldBe(_secret));
        // The root is still readable where it holds real files.
        fs.ReadText("/comm").ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public void This_kernel_resolves_with_openat2()
    {
        // Linux ≥ 5.6 has openat2; a silent fallback to the walk would hide a regression in the flags.
        var kernel = Environment.OSVersion.Version;
        RootFileSystem.Openat2Supported.ShouldBe(kernel >= new Version(5, 6), $"kernel {kernel}");
    }
}
