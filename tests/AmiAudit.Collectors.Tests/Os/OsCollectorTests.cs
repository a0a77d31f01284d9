using AmiAudit.Collectors.Os;
using AmiAudit.Collectors.Tests.RootFs;
using AmiAudit.Core.Model;

namespace AmiAudit.Collectors.Tests.Os;

public class OsCollectorTests
{
    [Fact]
    public void Reads_os_release_kernel_and_hostname()
    {
        using var root = new TempRoot()
            .Write("/etc/os-release", "# comment\nPRETTY_NAME=\"Ubuntu 20.04.6 LTS\"\nNAME=\"Ubuntu\"\nVERSION_ID='20.04'\nID=ubuntu\nbad line\n")
            .Mkdir("/lib/modules/5.15.0-1051-aws/kernel")
            .Write("/etc/hostname", "ip-10-1-2-3\n");

        var (s, _) = root.Collect(new OsCollector());

        s.Os.ShouldBe(new OsInfo { Id = "ubuntu", VersionId = "20.04", PrettyName = "Ubuntu 20.04.6 LTS", Kernel = "5.15.0-1051-aws" });
        s.Target.Hostname.ShouldBe("ip-10-1-2-3");
    }

    [Fact]
    public void Falls_back_to_usr_lib_os_release_and_vmlinuz_through_a_merged_usr_link()
    {
        using var root = new TempRoot()
            .Write("/usr/lib/os-release", "ID=amzn\nVERSION_ID=\"2023\"\nPRETTY_NAME=\"Amazon Linux 2023.4.20240416\"\n")
            .Symlink("/lib", "usr/lib")
            .Write("/boot/vmlinuz-6.1.84-99.169.amzn2023.x86_64", "k");

        var (s, _) = root.Collect(new OsCollector());

        s.Os!.Id.ShouldBe("amzn");
        s.Os.VersionId.ShouldBe("2023");
        s.Os.Kernel.ShouldBe("6.1.84-99.169.amzn2023.x86_64");
    }

    [Fact]
    public void Two_installed_kernels_leave_the_kernel_unknown()
    {
        using var root = new TempRoot().Write("/etc/os-release", "ID=debian\n").Mkdir("/lib/modules/6.1.0-17-amd64").Mkdir("/lib/modules/6.1.0-18-amd64");
        root.Collect(new OsCollector()).Snapshot.Os!.Kernel.ShouldBeNull();
    }

    [Fact]
    public void Keeps_a_hostname_the_target_already_has()
    {
        using var root = new TempRoot().Write("/etc/hostname", "from-image\n");
        var (s, _) = root.Collect(new OsCollector(), new Snapshot { Target = new TargetInfo { Hostname = "given" } });
        s.Target.Hostname.ShouldBe("given");
    }

    [Fact]
    public void Missing_os_release_is_a_diagnostic_not_a_failure()
    {
        using var root = new TempRoot();
        var (s, ctx) = root.Collect(new OsCollector());
        s.Os.ShouldNotBeNull();
        s.Os.Id.ShouldBeNull();
        ctx.Fs.Diagnostics.ShouldContain(d => d.Source == "os" && d.Code == "unavailable");
    }

    [Fact]
    public void Matches_the_hosts_own_os_release()
    {
        // Real part: this machine's /etc/os-release, read through the same confined reader.
        var expected = File.ReadAllLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("ID=", StringComparison.Ordinal))?[3..].Trim('"');
        var s = new OsCollector().Collect(new CollectionContext { Fs = new AmiAudit.Collectors.RootFs.RootFileSystem("/") }, new Snapshot());
        s.Os!.Id.ShouldBe(expected);
    }
}
