namespace AmiAudit.Collectors.Tests.Systemd;

/// <summary>
/// Issue 8, defect 3: a drop-in that cannot be read must not hide that a unit is enabled and starts
/// at boot. systemctl calls the unit "bad" (checked on a real root in SystemdTruthTests), the
/// manager skips the drop-in and starts the unit: the links and the fragment decide, and what could
/// not be read is said in LoadErrors.
/// </summary>
public sealed class BrokenUnitTests : IDisposable
{
    private readonly FixtureRoot _root = new();

    public void Dispose() => _root.Dispose();

    private FixtureRoot EnabledEcs() => _root
        .File("/usr/lib/systemd/system/multi-user.target", "[Unit]\nDescription=Multi-User\n")
        .Link("/usr/lib/systemd/system/default.target", "multi-user.target")
        .File("/usr/libexec/amazon-ecs-init", "#!/bin/sh\n")
        .File("/usr/lib/systemd/system/ecs.service", """
            [Unit]
            Description=Amazon Elastic Container Service - container agent
            [Service]
            ExecStart=/usr/libexec/amazon-ecs-init start
            Restart=on-failure
            [Install]
            WantedBy=multi-user.target
            """)
        .Link("/etc/systemd/system/multi-user.target.wants/ecs.service", "/usr/lib/systemd/system/ecs.service")
        .File("/etc/systemd/system/ecs.service.d/20-ok.conf", "[Unit]\nWants=network-online.target\n");

    [Theory]
    [InlineData("dangling", "dangling symbolic link (to /nonexistent)")]
    [InlineData("fifo", "a fifo where a drop-in was expected")]
    [InlineData("directory", "a directory where a drop-in was expected")]
    [InlineData("malformed", "10-x.conf:1: Invalid section header")]
    public void An_enabled_unit_with_a_broken_drop_in_keeps_its_state_boot_path_and_fields(string kind, string expectedError)
    {
        EnabledEcs();
        const string dropIn = "/etc/systemd/system/ecs.service.d/10-x.conf";
        switch (kind)
        {
            case "dangling": _root.Link(dropIn, "/nonexistent"); break;
            case "fifo": _root.Fifo(dropIn); break;
            case "directory": Directory.CreateDirectory(_root.Host(dropIn)); break;
            case "malformed": _root.File(dropIn, "[Service\nExecStart=/bin/evil\n"); break;
        }
        var (facts, _) = _root.Scan(); // a FIFO opened for reading would hang here
        var ecs = facts.Units.Single(u => u.Name == "ecs.service");

        // systemctl --root list-unit-files says "bad" for all of these (SystemdTruthTests checks it for real)…
        ecs.UnitFileState.ShouldBe("bad");
        // …but the manager skips the drop-in and the link still starts the unit.
        ecs.StartsAtBoot.ShouldBeTrue();
        ecs.BootPath.ShouldBe(["multi-user.target", "ecs.service"]);
        ecs.ExecStart.ShouldBe(["/usr/libexec/amazon-ecs-init start"]);
        ecs.Restart.ShouldBe("on-failure");
        ecs.WantedBy.ShouldBe(["multi-user.target"]);
        ecs.Wants.ShouldBe(["network-online.target"]); // the readable drop-in after the broken one still applies
        const string file = "10-x.conf";
        ecs.LoadErrors.ShouldContain(e => e.Contains(file, StringComparison.Ordinal) && e.Contains(expectedError, StringComparison.Ordinal),
            string.Join("\n", ecs.LoadErrors));
    }

    [Fact]
    public void A_unit_without_broken_parts_has_no_load_errors()
    {
        EnabledEcs();
        var ecs = _root.Unit("ecs.service");
        ecs.UnitFileState.ShouldBe("enabled");
        ecs.LoadErrors.ShouldBeEmpty();
        ecs.StartsAtBoot.ShouldBeTrue();
    }

    [Fact]
    public void A_malformed_fragment_is_refused_by_the_manager_and_says_why()
    {
        EnabledEcs().File("/usr/lib/systemd/system/ecs.service", "[Service\nExecStart=/usr/libexec/amazon-ecs-init\n[Install]\nWantedBy=multi-user.target\n");
        var ecs = _root.Unit("ecs.service");
        ecs.UnitFileState.ShouldBe("bad");
        ecs.StartsAtBoot.ShouldBeFalse(); // systemd refuses to load it: nothing starts
        ecs.LoadErrors.ShouldHaveSingleItem().ShouldContain("Invalid section header");
    }

    [Fact]
    public void A_dangling_alias_is_bad_with_its_reason()
    {
        _root.Link("/etc/systemd/system/gone.service", "/usr/lib/systemd/system/nothing.service");
        var gone = _root.Unit("gone.service");
        gone.UnitFileState.ShouldBe("bad");
        gone.LoadErrors.ShouldNotBeEmpty();
    }

    [Fact]
    public void An_exec_line_systemd_rejects_refuses_the_unit_unless_it_carries_the_dash()
    {
        EnabledEcs()
            .File("/usr/lib/systemd/system/ecs.service.d/30-bad.conf", "[Service]\nExecStartPre=-relative/path\n")
            .File("/usr/lib/systemd/system/refused.service", "[Service]\nExecStart=/bin/x%Z\n[Install]\nWantedBy=multi-user.target\n")
            .Link("/etc/systemd/system/multi-user.target.wants/refused.service", "/usr/lib/systemd/system/refused.service");
        var units = _root.Scan().Facts.Units.ToDictionary(u => u.Name);
        units["ecs.service"].StartsAtBoot.ShouldBeTrue();
        units["ecs.service"].LoadErrors.ShouldHaveSingleItem().ShouldContain("systemd ignores the line");
        units["refused.service"].StartsAtBoot.ShouldBeFalse();
        units["refused.service"].LoadErrors.ShouldHaveSingleItem().ShouldContain("unknown specifier %Z");
    }
}
