namespace AmiAudit.Collectors.Tests.Systemd;

/// <summary>
/// Issue 15, item 1: which Exec*= commands can make a unit fail, by systemd's own rules (prefixes,
/// specifiers, ExecCondition=, ExecStartPre=/ExecStart=/ExecStartPost=, interpreters, PATH lookup).
/// </summary>
public sealed class ExecSemanticsTests : IDisposable
{
    private readonly FixtureRoot _root = new();

    public void Dispose() => _root.Dispose();

    private FixtureRoot Exe(string path, string text = "\u007fELF binary")
    {
        _root.File(path, text);
        if (OperatingSystem.IsLinux()) File.SetUnixFileMode(_root.Host(path), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return _root;
    }

    private List<string> Missing(string service) =>
        _root.File("/usr/lib/systemd/system/t.service", service).Unit("t.service").MissingExecutables;

    [Fact]
    public void A_command_whose_failure_is_ignored_cannot_fail_the_unit()
    {
        // containerd.service on Debian bookworm: ExecStartPre=-/sbin/modprobe overlay, without kmod installed.
        Exe("/usr/bin/containerd");
        Missing("[Service]\nExecStartPre=-/sbin/modprobe overlay\nExecStart=/usr/bin/containerd\n").ShouldBeEmpty();
    }

    [Theory]
    [InlineData("-/bin/gone")]
    [InlineData("-@/bin/gone argv0")]
    [InlineData("@-/bin/gone argv0")]
    [InlineData(":-/bin/gone")]
    [InlineData("+-/bin/gone")]
    [InlineData("!-/bin/gone")]
    [InlineData("!!-/bin/gone")]
    [InlineData("-!!:@/bin/gone argv0")]
    public void Every_combination_with_the_dash_is_ignored(string line)
    {
        Missing($"[Service]\nExecStart={line}\n").ShouldBeEmpty();
    }

    [Theory]
    [InlineData("/bin/gone")]
    [InlineData("@/bin/gone argv0")]
    [InlineData(":/bin/gone")]
    [InlineData("+/bin/gone")]
    [InlineData("!/bin/gone")]
    [InlineData("!!/bin/gone")]
    [InlineData("+:@/bin/gone argv0")]
    public void Without_the_dash_a_missing_program_fails_the_unit(string line)
    {
        Missing($"[Service]\nExecStart={line}\n").ShouldBe(["/bin/gone"]);
    }

    [Fact]
    public void Pre_start_and_post_commands_each_count_stop_and_reload_do_not()
    {
        Missing("""
            [Service]
            ExecStartPre=/bin/pre
            ExecStart=/bin/main ; /bin/second arg ; -/bin/third
            ExecStartPost=/bin/post
            ExecStop=/bin/stop
            ExecStopPost=/bin/stoppost
            ExecReload=/bin/reload
            """).ShouldBe(["/bin/pre", "/bin/main", "/bin/second", "/bin/post"]);
    }

    [Fact]
    public void Specifiers_are_expanded_with_the_instance_and_the_template_itself_is_never_judged()
    {
        _root.File("/usr/lib/systemd/system/multi-user.target", "[Unit]\nWants=run@alpha.service run@beta.service\n")
            .Link("/usr/lib/systemd/system/default.target", "multi-user.target")
            .File("/usr/lib/systemd/system/run@.service", "[Service]\nExecStart=/opt/%i/bin/%p-%I\n");
        Exe("/opt/alpha/bin/run-alpha");
        var units = _root.Scan().Facts.Units.ToDictionary(u => u.Name);
        units["run@.service"].MissingExecutables.ShouldBeEmpty();   // a template never runs
        units["run@alpha.service"].MissingExecutables.ShouldBeEmpty();
        units["run@beta.service"].MissingExecutables.ShouldBe(["/opt/beta/bin/run-beta"]);
        units["run@beta.service"].PulledInBy.ShouldBe("multi-user.target");
        units["run@beta.service"].Template.ShouldBe("run@.service");
        units["run@beta.service"].UnitFileState.ShouldBe("static");
        units["run@beta.service"].StartsAtBoot.ShouldBeTrue();
    }

    [Fact]
    public void A_program_name_is_looked_up_in_systemds_default_path()
    {
        Exe("/usr/sbin/found");
        Missing("[Service]\nExecStart=found --flag\nExecStartPost=notfound\n").ShouldBe(["notfound"]);
    }

    [Fact]
    public void A_file_without_an_x_bit_or_a_script_without_its_interpreter_fails_like_a_missing_one()
    {
        _root.File("/usr/bin/plain", "data");
        Exe("/usr/bin/script", "#!/usr/bin/python3 -u\nprint(1)\n");
        Exe("/usr/bin/shscript", "#!/bin/sh\necho\n");
        Exe("/bin/sh");
        Missing("[Service]\nExecStartPre=/usr/bin/plain\nExecStart=/usr/bin/script\nExecStartPost=/usr/bin/shscript\n")
            .ShouldBe(["/usr/bin/plain", "/usr/bin/python3"]);
    }

    [Fact]
    public void A_path_with_a_specifier_known_only_at_boot_is_not_judged()
    {
        Missing("[Service]\nExecStart=/opt/%H/run\nExecStartPre=/bin/%m\n").ShouldBeEmpty();
    }

    [Fact]
    public void ExecCondition_with_a_missing_program_skips_the_unit_and_one_that_is_there_decides_at_boot()
    {
        Exe("/usr/bin/check");
        var skipped = _root.File("/usr/lib/systemd/system/a.service", "[Service]\nExecCondition=/usr/bin/nocheck\nExecStart=/bin/gone\n").Unit("a.service");
        skipped.ConditionResult.ShouldBe("false");
        skipped.ConditionNotes.ShouldHaveSingleItem().ShouldContain("exit 203");
        var atBoot = _root.File("/usr/lib/systemd/system/b.service", "[Service]\nExecCondition=/usr/bin/check\nExecStart=/bin/gone\n").Unit("b.service");
        atBoot.ConditionResult.ShouldBe("unknown");
        atBoot.MissingExecutables.ShouldBe(["/bin/gone"]);
        var ignored = _root.File("/usr/lib/systemd/system/c.service", "[Service]\nExecCondition=-/usr/bin/nocheck\nExecStart=/bin/true\n").Unit("c.service");
        ignored.ConditionResult.ShouldBe("true");
        _root.File("/usr/lib/systemd/system/d.service", "[Service]\nExecStart=/bin/true\n").Unit("d.service").ConditionResult.ShouldBeNull();
    }

    [Fact]
    public void An_empty_assignment_resets_the_list_before_it()
    {
        Missing("[Service]\nExecStartPre=/bin/gone\nExecStartPre=\nExecStart=/bin/gone2\nExecStart=\nExecStart=-/bin/gone3\n").ShouldBeEmpty();
    }
}
