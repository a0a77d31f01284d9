using AmiAudit.Collectors.Live;

namespace AmiAudit.Collectors.Tests.Live;

public class SystemctlShowParserTests
{
    // node-facts 7.6 T-SD-06 case A (ecs-init exits 5 every ~10 s), verbatim.
    private const string CaseA = """
        Id=ecs.service
        LoadState=loaded
        ActiveState=activating
        SubState=auto-restart
        Result=exit-code
        ExecMainCode=1
        ExecMainStatus=5
        NRestarts=51234
        UnitFileState=enabled
        UnitFilePreset=enabled
        Restart=on-failure
        RestartUSec=10s
        Requires=docker.service system.slice sysinit.target
        Wants=
        After=docker.service system.slice basic.target sysinit.target systemd-journald.socket
        BindsTo=
        ConditionResult=yes
        ActiveEnterTimestamp=Tue 2026-03-03 11:59:50 UTC
        ActiveEnterTimestampMonotonic=8111456789
        InactiveExitTimestampMonotonic=8111456001
        StartLimitBurst=5
        StartLimitIntervalUSec=10s
        MainPID=0
        """;

    private const string CaseB = """
        Id=ecs.service
        LoadState=loaded
        ActiveState=active
        SubState=running
        Result=success
        ExecMainCode=0
        ExecMainStatus=0
        NRestarts=0
        UnitFileState=enabled
        MainPID=1842
        """;

    [Fact]
    public void Case_A_crash_looping_ecs_init()
    {
        var u = SystemctlShowParser.Parse(CaseA).ShouldHaveSingleItem();
        u.Id.ShouldBe("ecs.service");
        u.LoadState.ShouldBe("loaded");
        u.ActiveState.ShouldBe("activating");
        u.SubState.ShouldBe("auto-restart");
        u.Result.ShouldBe("exit-code");
        u.ExecMainCode.ShouldBe(1);
        u.ExecMainStatus.ShouldBe(5);
        u.NRestarts.ShouldBe(51234);
        u.UnitFileState.ShouldBe("enabled");
        u.ActiveEnterTimestamp.ShouldBe(new DateTimeOffset(2026, 3, 3, 11, 59, 50, TimeSpan.Zero));
    }

    [Fact]
    public void Case_B_internal_loop_looks_healthy()
    {
        var u = SystemctlShowParser.Parse(CaseB).ShouldHaveSingleItem();
        (u.ActiveState, u.SubState, u.Result, u.NRestarts, u.ExecMainCode).ShouldBe(("active", "running", "success", 0L, 0));
        u.ActiveEnterTimestamp.ShouldBeNull();
    }

    [Fact]
    public void Cases_A_to_D_in_one_batched_output_keep_their_order_and_unset_values_are_null()
    {
        var text = CaseA + "\n\n" + CaseB + "\n\n" +
                   "Id=ecs.service\nLoadState=not-found\nActiveState=inactive\nSubState=dead\nUnitFileState=\n\n" +
                   "Id=docker.service\nLoadState=masked\nUnitFileState=masked\nActiveEnterTimestamp=n/a\n";
        var units = SystemctlShowParser.Parse(text);
        units.Select(u => u.LoadState).ShouldBe(["loaded", "loaded", "not-found", "masked"]);
        units[2].UnitFileState.ShouldBeNull(); // case C: empty means unset
        units[2].NRestarts.ShouldBeNull();
        units[3].UnitFileState.ShouldBe("masked"); // case D
        units[3].ActiveEnterTimestamp.ShouldBeNull();
    }

    [Fact]
    public void Names_include_aliases_and_id_values_may_contain_equals_signs()
    {
        var u = SystemctlShowParser.Parse("Names=dbus-org.freedesktop.login1.service systemd-logind.service\nId=systemd-logind.service\nDescription=a=b\r\n").ShouldHaveSingleItem();
        u.Names.ShouldBe(["dbus-org.freedesktop.login1.service", "systemd-logind.service"]);
        u.Description.ShouldBe("a=b");
    }

    [Fact]
    public void Junk_lines_and_missing_id_blocks_are_dropped_not_fatal()
    {
        var units = SystemctlShowParser.Parse("Failed to get properties: boom\nLoadState=loaded\n\n\n\nId=a.service\nNRestarts=x\nExecMainStatus=-1\n");
        var u = units.ShouldHaveSingleItem();
        u.NRestarts.ShouldBeNull();
        u.ExecMainStatus.ShouldBe(-1);
    }
}
