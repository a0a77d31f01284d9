using AmiAudit.Collectors.Systemd;

namespace AmiAudit.Collectors.Tests.Systemd;

/// <summary>
/// Fast tests on small trees. Expected states were checked once against `systemctl --root` on the
/// same trees (the RealParts truth test does that continuously on a full Debian root).
/// </summary>
public sealed class SystemdCollectorTests : IDisposable
{
    private readonly FixtureRoot _root = new();

    public void Dispose() => _root.Dispose();

    private const string Target = "[Unit]\nDescription=target\n";

    [Fact]
    public void No_unit_directory_means_unavailable_with_a_diagnostic()
    {
        using var empty = new FixtureRoot();
        Directory.Delete(empty.Host("/usr/lib/systemd"), recursive: true);
        Directory.Delete(empty.Host("/etc/systemd"), recursive: true);
        var (facts, diags) = empty.Scan();
        facts.Available.ShouldBeFalse();
        facts.Units.ShouldBeEmpty();
        diags.ShouldContain(d => d.Source == "systemd" && d.Code == "unavailable");
    }

    [Fact]
    public void Enabled_disabled_static_indirect_and_presets()
    {
        _root.File("/usr/lib/systemd/system/multi-user.target", Target)
            .File("/usr/lib/systemd/system/on.service", "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n")
            .Link("/etc/systemd/system/multi-user.target.wants/on.service", "/usr/lib/systemd/system/on.service")
            .File("/usr/lib/systemd/system/off.service", "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n")
            .File("/usr/lib/systemd/system/also.service", "[Install]\nAlso=off.service\n")
            .File("/usr/lib/systemd/system-preset/90-default.preset", "enable on.*\ndisable *\n");
        var units = _root.Scan().Facts.Units.ToDictionary(u => u.Name);
        units["on.service"].UnitFileState.ShouldBe("enabled");
        units["on.service"].Preset.ShouldBe("enabled");
        units["on.service"].WantedBy.ShouldBe(["multi-user.target"]);
        units["off.service"].UnitFileState.ShouldBe("disabled");
        units["off.service"].Preset.ShouldBe("disabled");
        units["also.service"].UnitFileState.ShouldBe("indirect");
        units["multi-user.target"].UnitFileState.ShouldBe("static");
        units["multi-user.target"].Preset.ShouldBeNull(); // list-unit-files shows "-" for static
    }

    [Fact]
    public void Masks_by_dev_null_link_by_empty_file_and_at_runtime()
    {
        _root.File("/usr/lib/systemd/system/a.service", "[Service]\nExecStart=/bin/true\n")
            .File("/usr/lib/systemd/system/b.service", "[Service]\nExecStart=/bin/true\n")
            .File("/usr/lib/systemd/system/c.service", "[Service]\nExecStart=/bin/true\n")
            .Link("/etc/systemd/system/a.service", "/dev/null")
            .File("/etc/systemd/system/b.service", "")
            .Link("/run/systemd/system/c.service", "/dev/null");
        var units = _root.Scan().Facts.Units.ToDictionary(u => u.Name);
        units["a.service"].UnitFileState.ShouldBe("masked");
        units["a.service"].FragmentPath.ShouldBeNull();
        units["b.service"].UnitFileState.ShouldBe("masked");
        units["c.service"].UnitFileState.ShouldBe("masked-runtime");
    }

    [Fact]
    public void Alias_from_install_section_and_its_symlink()
    {
        _root.File("/usr/lib/systemd/system/real.service", "[Unit]\nDescription=Real\n[Service]\nExecStart=/bin/true\n[Install]\nAlias=nick.service\n")
            .Link("/etc/systemd/system/nick.service", "/usr/lib/systemd/system/real.service");
        var units = _root.Scan().Facts.Units.ToDictionary(u => u.Name);
        units["real.service"].UnitFileState.ShouldBe("enabled");
        units["real.service"].Alias.ShouldBe(["nick.service"]);
        units["nick.service"].UnitFileState.ShouldBe("alias");
        units["nick.service"].AliasOf.ShouldBe("real.service");
        units["nick.service"].FragmentPath.ShouldBe("/usr/lib/systemd/system/real.service");
        units["nick.service"].Description.ShouldBe("Real");
    }

    [Fact]
    public void Templates_and_instances()
    {
        _root.File("/usr/lib/systemd/system/getty.target", Target)
            .File("/usr/lib/systemd/system/tty@.service", "[Service]\nExecStart=/sbin/agetty %I\n[Install]\nWantedBy=getty.target\nDefaultInstance=tty1\n")
            .Link("/etc/systemd/system/getty.target.wants/tty@tty1.service", "/usr/lib/systemd/system/tty@.service")
            .File("/usr/lib/systemd/system/job@.service", "[Service]\nExecStart=/bin/job %i\n[Install]\nWantedBy=getty.target\n")
            .Link("/etc/systemd/system/getty.target.wants/job@x.service", "/usr/lib/systemd/system/job@.service")
            .File("/usr/lib/systemd/system/idle@.service", "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=getty.target\n")
            .Link("/etc/systemd/system/idle@one.service", "/usr/lib/systemd/system/idle@.service");
        var units = _root.Scan().Facts.Units.ToDictionary(u => u.Name);
        units["tty@.service"].UnitFileState.ShouldBe("enabled");   // the DefaultInstance is enabled
        units["job@.service"].UnitFileState.ShouldBe("indirect");  // only a non-default instance is
        units["idle@.service"].UnitFileState.ShouldBe("indirect"); // an instance link points at it
        units["idle@one.service"].UnitFileState.ShouldBe("enabled"); // an instance link in /etc
        units["idle@one.service"].Template.ShouldBe("idle@.service");
        units["idle@one.service"].FragmentPath.ShouldBe("/usr/lib/systemd/system/idle@.service");
    }

    [Fact]
    public void Linked_unit_file_from_outside_the_search_path()
    {
        _root.File("/opt/app/app.service", "[Service]\nExecStart=/opt/app/run\n[Install]\nWantedBy=multi-user.target\n")
            .Link("/etc/systemd/system/app.service", "/opt/app/app.service");
        var unit = _root.Unit("app.service");
        unit.UnitFileState.ShouldBe("linked");
        unit.FragmentPath.ShouldBe("/opt/app/app.service");
        unit.MissingExecutables.ShouldBe(["/opt/app/run"]);
    }

    [Fact]
    public void Generated_transient_and_runtime_enablement()
    {
        _root.File("/run/systemd/generator/gen.service", "[Service]\nExecStart=/bin/true\n")
            .File("/run/systemd/transient/run-x.service", "[Service]\nExecStart=/bin/true\n")
            .File("/usr/lib/systemd/system/rt.service", "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n")
            .Link("/run/systemd/system/multi-user.target.wants/rt.service", "/usr/lib/systemd/system/rt.service");
        var units = _root.Scan().Facts.Units.ToDictionary(u => u.Name);
        units["gen.service"].UnitFileState.ShouldBe("generated");
        units["run-x.service"].UnitFileState.ShouldBe("transient");
        units["rt.service"].UnitFileState.ShouldBe("enabled-runtime");
    }

    [Fact]
    public void Drop_ins_merge_by_file_name_with_etc_winning_and_empty_assignments_resetting()
    {
        _root.File("/usr/lib/systemd/system/web-api.service", """
                [Unit]
                Description=vendor
                Requires=a.service
                ConditionPathExists=/etc/vendor
                [Service]
                ExecStartPre=/bin/pre
                ExecStart=/bin/vendor
                Restart=no
                EnvironmentFile=-/etc/default/web
                """)
            .File("/usr/lib/systemd/system/web-api.service.d/10-x.conf", "[Unit]\nDescription=shadowed by /etc\n")
            .File("/etc/systemd/system/web-api.service.d/10-x.conf", "[Unit]\nDescription=from etc\n")
            .File("/usr/lib/systemd/system/web-api.service.d/20-reset.conf",
                "[Unit]\nCondition=\nConditionHost=box\nRequires=\nWants=b.service\n[Service]\nExecStart=\nExecStart=/bin/override \"quoted arg\"\nRestart=on-failure\nRestartSec=5s\nEnvironmentFile=\n")
            .File("/usr/lib/systemd/system/web-.service.d/30-prefix.conf", "[Unit]\nAfter=prefix.target\n")
            .File("/usr/lib/systemd/system/service.d/40-all.conf", "[Unit]\nBefore=all.target\n")
            .File("/usr/lib/systemd/system/web-api.service.d/50-ignored.conf.bak", "[Unit]\nDescription=backup file\n");
        var u = _root.Unit("web-api.service");
        u.Description.ShouldBe("from etc");
        u.DropIns.ShouldBe([
            "/etc/systemd/system/web-api.service.d/10-x.conf",
            "/usr/lib/systemd/system/web-api.service.d/20-reset.conf",
            "/usr/lib/systemd/system/web-.service.d/30-prefix.conf",
            "/usr/lib/systemd/system/service.d/40-all.conf",
        ]);
        u.Conditions.ShouldBe(["ConditionHost=box"]);
        u.Requires.ShouldBe(["a.service"]); // dependencies cannot be reset
        u.Wants.ShouldBe(["b.service"]);
        u.ExecStartPre.ShouldBe(["/bin/pre"]);
        u.ExecStart.ShouldBe(["/bin/override \"quoted arg\""]);
        u.Restart.ShouldBe("on-failure");
        u.RestartSec.ShouldBe("5s");
        u.EnvironmentFiles.ShouldBeEmpty();
        u.After.ShouldBe(["prefix.target"]);
        u.Before.ShouldBe(["all.target"]);
    }

    [Fact]
    public void Install_section_in_a_drop_in_counts_for_the_state()
    {
        _root.File("/usr/lib/systemd/system/plain.service", "[Service]\nExecStart=/bin/true\n")
            .File("/etc/systemd/system/plain.service.d/install.conf", "[Install]\nWantedBy=multi-user.target\n");
        _root.Unit("plain.service").UnitFileState.ShouldBe("disabled");
    }

    [Fact]
    public void Missing_dependencies_and_executables_are_found_inside_the_root_only()
    {
        _root.File("/usr/lib/systemd/system/t@.service", "[Service]\nExecStart=/bin/true\n")
            .File("/etc/fstab", "UUID=abc /data ext4 defaults 0 2\n/dev/sdb1 none swap sw 0 0\n")
            .File("/opt/tool/bin/tool", "#!/bin/sh\n")
            .Link("/usr/bin/tool", "/opt/tool/bin/tool")
            // Exists on the host (this test runs under dotnet), not in the root: must count as missing.
            .Link("/usr/bin/hostonly", "/usr/bin/dotnet")
            .File("/usr/lib/systemd/system/app.service", """
                [Unit]
                Requires=gone.service t@inst.service data.mount dev-sdb1.swap
                BindsTo=dev-xvda.device other.mount
                Requisite=also-gone.target
                Wants=wanted-but-optional.service
                [Service]
                ExecStartPre=-/usr/bin/tool --check
                ExecStart=!!/usr/bin/hostonly
                ExecStart=/usr/bin/nope
                """);
        var u = _root.Unit("app.service");
        u.MissingDependencies.ShouldBe(["also-gone.target", "gone.service"]);
        u.MissingBindsTo.ShouldBe(["other.mount"]);
        u.MissingExecutables.ShouldBe(["/usr/bin/hostonly", "/usr/bin/nope"]);
    }

    [Fact]
    public void Boot_reachability_follows_default_target_wants_requires_and_links_with_a_shortest_path()
    {
        _root.Link("/usr/lib/systemd/system/default.target", "graphical.target")
            .File("/usr/lib/systemd/system/graphical.target", "[Unit]\nRequires=multi-user.target\nWants=display.service\n")
            .File("/usr/lib/systemd/system/multi-user.target", "[Unit]\nRequires=basic.target\n")
            .File("/usr/lib/systemd/system/basic.target", Target)
            .File("/usr/lib/systemd/system/display.service", "[Service]\nExecStart=/bin/true\n")
            .File("/usr/lib/systemd/system/agent.service", "[Unit]\nBindsTo=helper.service\n[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n")
            .File("/usr/lib/systemd/system/helper.service", "[Service]\nExecStart=/bin/true\n")
            .File("/usr/lib/systemd/system/lonely.service", "[Service]\nExecStart=/bin/true\n")
            .File("/usr/lib/systemd/system/masked.service", "[Service]\nExecStart=/bin/true\n")
            .Link("/etc/systemd/system/masked.service", "/dev/null")
            .Link("/usr/lib/systemd/system/basic.target.wants/masked.service", "../masked.service")
            .Link("/etc/systemd/system/multi-user.target.wants/agent.service", "/usr/lib/systemd/system/agent.service");
        var facts = _root.Scan().Facts;
        facts.DefaultTarget.ShouldBe("graphical.target");
        var units = facts.Units.ToDictionary(u => u.Name);
        units["helper.service"].StartsAtBoot.ShouldBeTrue();
        units["helper.service"].BootPath.ShouldBe(["graphical.target", "multi-user.target", "agent.service", "helper.service"]);
        units["display.service"].BootPath.ShouldBe(["graphical.target", "display.service"]);
        units["default.target"].UnitFileState.ShouldBe("alias");
        units["default.target"].StartsAtBoot.ShouldBeTrue();
        units["lonely.service"].StartsAtBoot.ShouldBeFalse();
        units["lonely.service"].BootPath.ShouldBeEmpty();
        units["masked.service"].StartsAtBoot.ShouldBeFalse();
    }

    [Fact]
    public void A_fifo_named_like_a_unit_is_skipped_with_a_diagnostic_and_never_opened()
    {
        _root.Fifo("/etc/systemd/system/trap.service")
            .File("/usr/lib/systemd/system/shadowed.service", "[Service]\nExecStart=/bin/true\n")
            .Fifo("/etc/systemd/system/shadowed.service")
            .File("/usr/lib/systemd/system/d.service", "[Service]\nExecStart=/bin/true\n")
            .Fifo("/etc/systemd/system/d.service.d/trap.conf");
        var (facts, diags) = _root.Scan(); // a blocking open would hang here
        facts.Units.ShouldNotContain(u => u.Name == "trap.service");
        diags.ShouldContain(d => d.Code == "fifo-skipped" && d.Path == "/etc/systemd/system/trap.service");
        // listed from /usr/lib, but the lookup meets the FIFO first: systemd would block, we call it bad
        facts.Units.Single(u => u.Name == "shadowed.service").UnitFileState.ShouldBe("bad");
        facts.Units.Single(u => u.Name == "d.service").UnitFileState.ShouldBe("bad");
        diags.ShouldContain(d => d.Path == "/etc/systemd/system/d.service.d/trap.conf");
    }

    [Fact]
    public void An_absolute_link_to_etc_shadow_is_resolved_inside_the_root()
    {
        _root.File("/etc/shadow", "[Unit]\nDescription=the root's own shadow file\n")
            .Link("/etc/systemd/system/evil.service", "/etc/shadow")
            .Link("/etc/systemd/system/evil2.service", "../../../../../../../../etc/shadow");
        var units = _root.Scan().Facts.Units.ToDictionary(u => u.Name);
        // A link out of the search path under another name: systemctl calls that "alias".
        units["evil.service"].UnitFileState.ShouldBe("alias");
        units["evil.service"].FragmentPath.ShouldBe("/etc/shadow");
        units["evil.service"].Description.ShouldBe("the root's own shadow file");
        units["evil2.service"].Description.ShouldBe("the root's own shadow file");
    }

    [Fact]
    public void Symlink_loops_end_as_bad_or_ignored_without_hanging()
    {
        _root.File("/usr/lib/systemd/system/multi-user.target", Target)
            .Link("/etc/systemd/system/multi-user.target.wants/loop.service", "loop2.service")
            .Link("/etc/systemd/system/multi-user.target.wants/loop2.service", "loop.service")
            .Link("/etc/systemd/system/ping.service", "/etc/systemd/system/pong.service")
            .Link("/etc/systemd/system/pong.service", "/etc/systemd/system/ping.service")
            .Link("/etc/systemd/system/self.target.wants", ".");
        var (facts, _) = _root.Scan();
        var units = facts.Units.ToDictionary(u => u.Name);
        units["ping.service"].UnitFileState.ShouldBe("bad");
        units["pong.service"].UnitFileState.ShouldBe("bad");
        units["multi-user.target"].Wants.ShouldBe(["loop.service", "loop2.service"]);
    }
}
