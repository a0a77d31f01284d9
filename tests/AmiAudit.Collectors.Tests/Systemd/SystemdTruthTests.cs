using System.Diagnostics;
using AmiAudit.Collectors.RootFs;
using AmiAudit.Collectors.Systemd;
using AmiAudit.Collectors.Tests.RealParts;
using AmiAudit.Core.Model;
using Xunit.Abstractions;

namespace AmiAudit.Collectors.Tests.Systemd;

/// <summary>
/// The truth test: our offline states must equal what the real systemctl computes on a real root,
/// for every unit file, before and after systemctl itself (and we, by hand) change the root.
/// </summary>
[Trait("Category", "RealParts")]
public sealed class SystemdTruthTests(DebianRoot debian, ITestOutputHelper output) : IClassFixture<DebianRoot>, IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("amiaudit-systemd-truth-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public void Every_unit_file_of_the_debian_root_has_systemctls_state_and_preset()
    {
        var compared = AssertSameAsSystemctl(debian.Path);
        compared.ShouldBeGreaterThan(150, "a debootstrap root with systemd has ~200 unit files; fewer means the fixture is wrong");
    }

    [Fact]
    public void Every_unit_file_of_the_stock_root_has_systemctls_state_and_preset()
    {
        // cloud-init, docker.io, containerd, openssh-server, cron, rsyslog, chrony, udev on minbase
        var compared = AssertSameAsSystemctl(StockRoot.Path(StockRoot.Stock));
        compared.ShouldBeGreaterThan(200);
    }

    [Fact]
    public void States_still_agree_after_enable_mask_alias_instances_dropins_and_links()
    {
        var root = debian.CopyTo(_temp);
        Mutate(root);
        AssertSameAsSystemctl(root);

        var facts = SystemdCollector.Scan(new RootFileSystem(root));
        var broken = facts.Units.Single(u => u.Name == "broken.service");
        broken.UnitFileState.ShouldBe("enabled");
        broken.MissingDependencies.ShouldBe(["missing.service"]);
        broken.MissingExecutables.ShouldBe(["/usr/bin/not-there"]);
        broken.Requires.ShouldBe(["missing.service"]);
        broken.Wants.ShouldContain("dbus.service"); // from the drop-in
        broken.DropIns.ShouldBe(["/etc/systemd/system/broken.service.d/10-wants.conf"]);
        broken.StartsAtBoot.ShouldBeTrue();
        broken.BootPath.ShouldBe(["graphical.target", "multi-user.target", "broken.service"]);
        facts.DefaultTarget.ShouldBe("graphical.target");

        // Pulled in only by the drop-in's Wants= of an enabled unit.
        facts.Units.Single(u => u.Name == "dbus.service").StartsAtBoot.ShouldBeTrue();
        var worker = facts.Units.Single(u => u.Name == "worker@.service");
        worker.StartsAtBoot.ShouldBeTrue();
        worker.BootPath.ShouldBe(["graphical.target", "multi-user.target", "worker@a.service"]);
        facts.Units.Single(u => u.Name == "debug-shell.service").StartsAtBoot.ShouldBeFalse();
        facts.Units.Single(u => u.Name == "myalias.service").AliasOf.ShouldBe("aliased.service");
        foreach (var name in (string[])["dropin-dangling.service", "dropin-dir.service", "dropin-malformed.service"])
        {
            var u = facts.Units.Single(x => x.Name == name);
            (u.UnitFileState, u.StartsAtBoot).ShouldBe(("bad", true), name);
            u.BootPath.ShouldBe(["graphical.target", "multi-user.target", name]);
            u.ExecStart.ShouldBe(["/bin/true"]);
            u.LoadErrors.ShouldNotBeEmpty(name);
        }
        // worker@a.service is enabled through a .wants link: judged as the instance that runs
        facts.Units.Single(u => u.Name == "worker@a.service").PulledInBy.ShouldBe("multi-user.target");
    }

    [Fact]
    public void Scan_is_much_faster_than_systemctl()
    {
        var fs = new RootFileSystem(debian.Path);
        SystemdCollector.Scan(fs); // warm-up: JIT
        var ours = Stopwatch.StartNew();
        var facts = SystemdCollector.Scan(new RootFileSystem(debian.Path));
        ours.Stop();
        var theirs = Stopwatch.StartNew();
        SystemctlUnitFiles.List(debian.Path);
        theirs.Stop();
        output.WriteLine($"our scan: {ours.Elapsed.TotalMilliseconds:F1} ms for {facts.Units.Count} units; systemctl list-unit-files: {theirs.Elapsed.TotalMilliseconds:F1} ms");
        // Benchmark numbers are reported, not asserted tightly; this only catches a pathological regression.
        ours.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(2));
    }

    private int AssertSameAsSystemctl(string root)
    {
        var expected = SystemctlUnitFiles.List(root);
        var facts = SystemdCollector.Scan(new RootFileSystem(root));
        facts.Available.ShouldBeTrue();
        var ours = facts.Units.ToDictionary(u => u.Name, StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var (name, (state, preset)) in expected)
        {
            if (!ours.TryGetValue(name, out var u))
            {
                problems.Add($"{name}: systemctl lists it ({state}), we do not");
                continue;
            }
            var ourPreset = u.Preset ?? "-";
            if (u.UnitFileState != state || ourPreset != preset)
                problems.Add($"{name}: systemctl {state}/{preset}, we {u.UnitFileState}/{ourPreset}");
        }
        foreach (var name in ours.Keys.Where(n => !expected.ContainsKey(n) && ours[n].PulledInBy is null))
            problems.Add($"{name}: we list it ({ours[name].UnitFileState}), systemctl does not");
        // Template instances something pulls in are not unit files, so list-unit-files omits them;
        // `systemctl is-enabled` answers for them, and that is the state we give.
        var instances = ours.Values.Where(u => u.PulledInBy is not null).ToList();
        foreach (var u in instances)
        {
            expected.ContainsKey(u.Name).ShouldBeFalse($"{u.Name} is listed by systemctl but carries PulledInBy");
            var (_, stdout, stderr) = DebianRoot.RunSplit("systemctl", $"--root={root}", "is-enabled", u.Name);
            var state = stdout.Trim();
            if (state != u.UnitFileState) problems.Add($"{u.Name} (pulled in by {u.PulledInBy}): systemctl is-enabled says '{state}{stderr.Trim()}', we {u.UnitFileState}");
        }
        output.WriteLine($"{root}: compared {expected.Count} units with systemctl list-unit-files and {instances.Count} pulled-in instances with is-enabled, {problems.Count} differences");
        problems.ShouldBeEmpty(string.Join("\n", problems));
        return expected.Count;
    }

    /// <summary>Changes made with systemctl itself where it can, by hand where an image would be built that way.</summary>
    private static void Mutate(string root)
    {
        string P(string inRoot) => root + inRoot;
        void Write(string inRoot, string text)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(P(inRoot))!);
            File.WriteAllText(P(inRoot), text);
        }
        void Link(string target, string inRoot)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(P(inRoot))!);
            File.CreateSymbolicLink(P(inRoot), target);
        }

        // enable / mask with systemctl
        SystemctlUnitFiles.Systemctl(root, "enable", "systemd-networkd.service");
        SystemctlUnitFiles.Systemctl(root, "mask", "systemd-timesyncd.service");
        SystemctlUnitFiles.Systemctl(root, "enable", "getty@tty3.service");

        // a unit with a missing dependency and binary, enabled; a drop-in adds Wants=
        Write("/etc/systemd/system/broken.service", """
            [Unit]
            Description=Broken on purpose
            Requires=missing.service

            [Service]
            ExecStart=/usr/bin/not-there --flag

            [Install]
            WantedBy=multi-user.target
            """);
        Write("/etc/systemd/system/broken.service.d/10-wants.conf", "[Unit]\nWants=dbus.service\n");
        SystemctlUnitFiles.Systemctl(root, "enable", "broken.service");

        // Alias= in [Install], enabled: creates the alias symlink
        Write("/usr/lib/systemd/system/aliased.service", "[Service]\nExecStart=/bin/true\n[Install]\nAlias=myalias.service\n");
        SystemctlUnitFiles.Systemctl(root, "enable", "aliased.service");

        // a template without DefaultInstance, one instance enabled → the template is "indirect"
        Write("/usr/lib/systemd/system/worker@.service", "[Service]\nExecStart=/bin/echo %i\n[Install]\nWantedBy=multi-user.target\n");
        SystemctlUnitFiles.Systemctl(root, "enable", "worker@a.service");
        // a template with DefaultInstance, not enabled → disabled
        Write("/usr/lib/systemd/system/pool@.service", "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\nDefaultInstance=main\n");

        // only Also= → indirect; [Install] added by a drop-in to a static unit → disabled
        Write("/usr/lib/systemd/system/alsoonly.service", "[Service]\nExecStart=/bin/true\n[Install]\nAlso=broken.service\n");
        Write("/etc/systemd/system/systemd-update-utmp.service.d/install.conf", "[Install]\nWantedBy=multi-user.target\n");

        // a linked unit file from outside the search path
        Write("/opt/vendor/linked.service", "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n");
        SystemctlUnitFiles.Systemctl(root, "link", "/opt/vendor/linked.service");

        // runtime directories: mask, enablement, generator and transient output
        Link("/dev/null", "/run/systemd/system/debug-shell.service");
        Write("/usr/lib/systemd/system/rt.service", "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n");
        Link("/usr/lib/systemd/system/rt.service", "/run/systemd/system/multi-user.target.wants/rt.service");
        Write("/run/systemd/generator/gen.service", "[Service]\nExecStart=/bin/true\n");
        Write("/run/systemd/transient/trans.service", "[Service]\nExecStart=/bin/true\n");

        // an empty file masks; a broken section header makes the unit bad; a dangling alias
        Write("/etc/systemd/system/emptymask.service", "");
        Write("/etc/systemd/system/badheader.service", "[Unit\nDescription=x\n");
        Link("/usr/lib/systemd/system/does-not-exist.service", "/etc/systemd/system/dangling.service");
        // a hand-made alias symlink and a relative one
        Link("/lib/systemd/system/dbus.service", "/etc/systemd/system/handalias.service");
        Link("../../../lib/systemd/system/dbus.service", "/etc/systemd/system/relalias.service");
        // a same-name link into the search path (a self-alias: systemctl calls it bad)
        Link("/lib/systemd/system/systemd-time-wait-sync.service", "/etc/systemd/system/systemd-time-wait-sync.service");
        // an invalid DefaultInstance=; a .wants that is a symlink to a directory (not scanned for enablement)
        Write("/usr/lib/systemd/system/pool2@.service", "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\nDefaultInstance=a/b\n");
        Write("/usr/lib/systemd/system/viadirlink.service", "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=custom.target\n");
        Link("/usr/lib/systemd/system/viadirlink.service", "/opt/wants/viadirlink.service");
        Link("/opt/wants", "/etc/systemd/system/custom.target.wants");
        // a preset file that disables what the vendor presets enable
        Write("/etc/systemd/system-preset/00-local.preset", "disable systemd-networkd.*\nenable debug-shell.service\n");

        // issue 8: enabled units with a drop-in that cannot be loaded (dangling link, a directory, a
        // malformed header): systemctl calls them "bad", the manager skips the drop-in and starts them
        foreach (var (unit, make) in new (string, Action<string>)[]
        {
            ("dropin-dangling.service", d => Link("/nonexistent", d)),
            ("dropin-dir.service", d => Directory.CreateDirectory(P(d))),
            ("dropin-malformed.service", d => Write(d, "[Service\nExecStart=/bin/false\n")),
        })
        {
            Write($"/etc/systemd/system/{unit}", "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n");
            SystemctlUnitFiles.Systemctl(root, "enable", unit);
            make($"/etc/systemd/system/{unit}.d/10-broken.conf");
        }
    }
}
