using AmiAudit.Collectors.Systemd;

namespace AmiAudit.Collectors.Tests.Systemd;

/// <summary>
/// Issue 15, item 2: Condition*=/Assert*= evaluated offline where the image decides them, unknown
/// where only the booting machine can, with systemd's negation and "|" trigger rules.
/// </summary>
public sealed class ConditionTests : IDisposable
{
    private readonly FixtureRoot _root = new();

    public void Dispose() => _root.Dispose();

    private Core.Model.UnitFact Unit(string unitSection, string name = "c.service") =>
        _root.File("/usr/lib/systemd/system/" + name, "[Unit]\n" + unitSection + "\n[Service]\nExecStart=/bin/true\n").Unit(name);

    private string? Result(string unitSection) => Unit(unitSection).ConditionResult;

    private void Tree()
    {
        _root.File("/etc/present", "x")
            .File("/etc/empty", "")
            .File("/etc/dir/file", "x")
            .File("/etc/hidden-only/.hidden", "x")
            .File("/etc/backup-only/file.dpkg-old", "x")
            .Link("/etc/link", "/etc/present")
            .Link("/etc/dangling", "/nowhere")
            .File("/usr/bin/tool", "x")
            .File("/etc/not-exec", "x");
        Directory.CreateDirectory(_root.Host("/etc/empty-dir"));
        if (OperatingSystem.IsLinux()) File.SetUnixFileMode(_root.Host("/usr/bin/tool"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
    }

    [Theory]
    [InlineData("ConditionPathExists=/etc/present", "true")]
    [InlineData("ConditionPathExists=/etc/absent", "false")]
    [InlineData("ConditionPathExists=!/etc/absent", "true")]
    [InlineData("ConditionPathExists=! /etc/present", "false")]
    [InlineData("ConditionPathExists=/etc/dangling", "false")] // access() follows the link
    [InlineData("ConditionPathIsSymbolicLink=/etc/dangling", "true")]
    [InlineData("ConditionPathIsSymbolicLink=/etc/present", "false")]
    [InlineData("ConditionPathIsDirectory=/etc/dir", "true")]
    [InlineData("ConditionPathIsDirectory=/etc/present", "false")]
    [InlineData("ConditionFileNotEmpty=/etc/present", "true")]
    [InlineData("ConditionFileNotEmpty=/etc/empty", "false")]
    [InlineData("ConditionFileNotEmpty=/etc/dir", "false")]
    [InlineData("ConditionFileNotEmpty=/etc/link", "true")]
    [InlineData("ConditionDirectoryNotEmpty=/etc/dir", "true")]
    [InlineData("ConditionDirectoryNotEmpty=/etc/empty-dir", "false")]
    [InlineData("ConditionDirectoryNotEmpty=/etc/hidden-only", "false")] // hidden and backup files do not count
    [InlineData("ConditionDirectoryNotEmpty=/etc/backup-only", "false")]
    [InlineData("ConditionDirectoryNotEmpty=/etc/absent", "false")]
    [InlineData("ConditionFileIsExecutable=/usr/bin/tool", "true")]
    [InlineData("ConditionFileIsExecutable=/etc/not-exec", "false")]
    [InlineData("ConditionPathExistsGlob=/etc/d*r/f?le", "true")]
    [InlineData("ConditionPathExistsGlob=/etc/{nope,dir}/[ef]ile", "true")]
    [InlineData("ConditionPathExistsGlob=/etc/hidden-only/*", "false")] // glob's * does not match a leading dot
    [InlineData("ConditionPathExistsGlob=/etc/hidden-only/.h*", "true")]
    [InlineData("ConditionPathExistsGlob=/etc/*.nope", "false")]
    [InlineData("ConditionUser=root", "true")]
    [InlineData("ConditionUser=!@system", "false")]
    [InlineData("ConditionUser=nobody", "false")]
    [InlineData("ConditionGroup=0", "true")]
    [InlineData("ConditionPathExists=relative/path", null)] // systemd ignores the line: no condition left
    [InlineData("ConditionPathExists=/etc/%Z", null)]        // bad specifier: ignored too
    public void Path_and_credential_conditions_are_decided_from_the_image(string condition, string? expected)
    {
        Tree();
        Result(condition).ShouldBe(expected);
    }

    [Theory]
    [InlineData("ConditionPathExists=/run/foo", "/run is created at boot")]
    [InlineData("ConditionPathExists=!/proc/xen", "/proc is created at boot")]
    [InlineData("ConditionPathIsReadWrite=/sys", "how file systems are mounted")]
    [InlineData("ConditionVirtualization=!container", "the machine it boots on decides")]
    [InlineData("ConditionCapability=CAP_SYS_MODULE", "capabilities")]
    [InlineData("ConditionKernelCommandLine=!nomodeset", "kernel command line")]
    [InlineData("ConditionFirstBoot=yes", "first boot")]
    [InlineData("ConditionHost=web-1", "host name")]
    [InlineData("ConditionPathExists=/data/x", "/data is a mount point in /etc/fstab")]
    [InlineData("ConditionPathExists=/etc/%H", "%H is known only at boot")]
    [InlineData("ConditionFancyNewThing=yes", "not one this auditor evaluates")]
    public void What_the_machine_decides_at_boot_is_unknown_and_says_why(string condition, string why)
    {
        _root.File("/etc/fstab", "UUID=1 /data ext4 defaults 0 2\n");
        var unit = Unit(condition);
        unit.ConditionResult.ShouldBe("unknown");
        unit.ConditionNotes.ShouldHaveSingleItem().ShouldContain(why);
        unit.ConditionNotes[0].ShouldStartWith(condition);
    }

    [Theory]
    // every non-trigger must hold; one trigger must hold if there are triggers; false beats unknown
    [InlineData("ConditionPathExists=/etc/present\nConditionPathExists=/etc/absent", "false")]
    [InlineData("ConditionPathExists=|/etc/absent\nConditionPathExists=|/etc/present", "true")]
    [InlineData("ConditionPathExists=|/etc/absent\nConditionPathExists=|/etc/absent2", "false")]
    [InlineData("ConditionPathExists=|!/etc/present\nConditionPathExists=|/etc/absent", "false")]
    [InlineData("ConditionPathExists=|/etc/absent\nConditionVirtualization=|vm", "unknown")]
    [InlineData("ConditionPathExists=|/etc/present\nConditionVirtualization=|vm", "true")]
    [InlineData("ConditionPathExists=/etc/absent\nConditionVirtualization=vm", "false")]
    [InlineData("ConditionPathExists=/etc/present\nConditionVirtualization=vm", "unknown")]
    [InlineData("ConditionPathExists=/etc/present\nConditionPathExists=|/etc/absent", "false")]
    [InlineData("ConditionPathExists=/etc/absent\nConditionPathExists=", null)] // the empty assignment resets
    public void Negation_and_triggers_combine_like_condition_test_list(string conditions, string? expected)
    {
        Tree();
        Result(conditions).ShouldBe(expected);
    }

    [Fact]
    public void Percent_v_without_a_kernel_in_the_image_names_a_kernel_it_has_no_modules_for()
    {
        // kmod-static-nodes.service on a debootstrap root without linux-image: skipped, not failed.
        var unit = _root.File("/usr/lib/systemd/system/kmod-static-nodes.service", """
            [Unit]
            ConditionFileNotEmpty=/lib/modules/%v/modules.devname
            [Service]
            Type=oneshot
            ExecStart=/bin/kmod static-nodes --format=tmpfiles --output=/run/tmpfiles.d/static-nodes.conf
            """).Unit("kmod-static-nodes.service");
        unit.ConditionResult.ShouldBe("false");
        unit.MissingExecutables.ShouldBe(["/bin/kmod"]); // still recorded; a rule skips the unit for its condition
        unit.ConditionNotes.ShouldHaveSingleItem().ShouldContain("no kernel in the image");
        _root.Scan().Facts.Kernels.ShouldBeEmpty();
    }

    [Fact]
    public void Percent_v_is_evaluated_for_each_kernel_and_a_split_result_is_unknown()
    {
        _root.File("/lib/modules/6.1.0-18-amd64/modules.devname", "fuse\n")
            .File("/lib/modules/6.1.0-17-amd64/modules.dep", "")
            .File("/boot/vmlinuz-6.1.0-18-amd64", "kernel")
            .File("/usr/lib/systemd/system/k.service", "[Unit]\nConditionFileNotEmpty=/lib/modules/%v/modules.devname\n[Service]\nExecStart=/bin/true\n")
            .File("/usr/lib/systemd/system/v.service", "[Unit]\nConditionKernelVersion=>=6.1.0-2\n[Service]\nExecStart=/bin/true\n")
            .File("/usr/lib/systemd/system/g.service", "[Unit]\nConditionKernelVersion=6.1.*-amd64\n[Service]\nExecStart=/bin/true\n");
        var facts = _root.Scan().Facts;
        facts.Kernels.ShouldBe(["6.1.0-17-amd64", "6.1.0-18-amd64"]);
        var units = facts.Units.ToDictionary(u => u.Name);
        units["k.service"].ConditionResult.ShouldBe("unknown");
        units["k.service"].ConditionNotes.ShouldHaveSingleItem()
            .ShouldBe("ConditionFileNotEmpty=/lib/modules/%v/modules.devname: false for 6.1.0-17-amd64; true for 6.1.0-18-amd64 (evaluated for each of the image's 2 kernel(s))");
        units["v.service"].ConditionResult.ShouldBe("true");
        units["g.service"].ConditionResult.ShouldBe("true");

        Directory.Delete(_root.Host("/lib/modules/6.1.0-17-amd64"), recursive: true);
        _root.Unit("k.service").ConditionResult.ShouldBe("true");
    }

    [Fact]
    public void Architecture_and_os_release_come_from_the_image()
    {
        // x86-64 ELF header of the image's own systemd: class 64, little endian, version 1, ET_DYN, EM_X86_64.
        var elf = new byte[64];
        "\u007fELF"u8.CopyTo(elf);
        (elf[4], elf[5], elf[6], elf[16], elf[18]) = (2, 1, 1, 3, 0x3e);
        Directory.CreateDirectory(_root.Host("/lib/systemd"));
        File.WriteAllBytes(_root.Host("/lib/systemd/systemd"), elf);
        _root.File("/etc/os-release", "ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n");
        Result("ConditionArchitecture=x86-64").ShouldBe("true");
        Result("ConditionArchitecture=arm64").ShouldBe("false");
        Result("ConditionArchitecture=native").ShouldBe("true");
        Result("ConditionOSRelease=ID=debian").ShouldBe("true");
        Result("ConditionOSRelease=VERSION_ID>=11").ShouldBe("true");
        Result("ConditionOSRelease=ID!=debian").ShouldBe("false");
        Result("ConditionPathExists=/etc/%o-marker").ShouldBe("false");
    }

    [Fact]
    public void Asserts_are_evaluated_separately()
    {
        Tree();
        var unit = Unit("AssertPathExists=/etc/absent\nConditionPathExists=/etc/present");
        unit.ConditionResult.ShouldBe("true");
        unit.AssertResult.ShouldBe("false");
    }

    [Theory]
    [InlineData("1.2.3", "1.2.10", -1)]
    [InlineData("6.1.0-18-amd64", "6.1.0-2", 1)]
    [InlineData("1.0~rc1", "1.0", -1)]
    [InlineData("12", "12", 0)]
    [InlineData("1.2", "1.2.0", -1)]
    public void Versions_compare_like_strverscmp(string a, string b, int sign)
    {
        Math.Sign(ConditionEvaluator.VersionCompare(a, b)).ShouldBe(sign);
    }

    [Theory]
    [InlineData("*.conf", "a.conf", true)]
    [InlineData("*.conf", ".a.conf", false)]
    [InlineData("[!a]*", "b", true)]
    [InlineData("[a-c]x", "bx", true)]
    [InlineData("a\\*", "a*", true)]
    [InlineData("*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false)] // no exponential backtracking
    public void Globs_match_one_component(string pattern, string name, bool expected)
    {
        Glob.Match(pattern, name, period: true).ShouldBe(expected);
    }
}
