using AmiAudit.Collectors.Evidence.Units;
using AmiAudit.Collectors.Probes.Ena;

namespace AmiAudit.Collectors.Tests.Evidence;

/// <summary>systemd's own messages in the shapes syslog text keeps them (node-facts 4.2), every systemd generation.</summary>
public class SystemdMessageParserTests
{
    private static (UnitMessage? Message, bool User) P(string line)
    {
        var l = KernelLogPrefix.Strip(line);
        var msg = l.Message;
        return SystemdMessageParser.IsSystemd(l.Ident, l.Pid, ref msg, out var user) ? (SystemdMessageParser.Parse(msg), user) : (null, false);
    }

    [Theory]
    [InlineData("Mar 03 12:00:02 ip-10-1-2-3 systemd[1]: ecs.service: Main process exited, code=exited, status=5/NOTINSTALLED", UnitEventKind.ProcessExited, "ecs.service")]
    [InlineData("Mar 03 12:00:02 ip-10-1-2-3 systemd[1]: ecs.service: Control process exited, code=exited, status=1/FAILURE", UnitEventKind.ProcessExited, "ecs.service")]
    [InlineData("Mar 03 12:00:02 ip-10-1-2-3 systemd[1]: ecs.service: main process exited, code=exited, status=1/FAILURE", UnitEventKind.ProcessExited, "ecs.service")]
    [InlineData("Mar 03 12:00:02 ip-10-1-2-3 systemd[1]: ecs.service: Failed with result 'exit-code'.", UnitEventKind.Failed, "ecs.service")]
    [InlineData("Mar 03 12:00:12 ip-10-1-2-3 systemd[1]: ecs.service: Scheduled restart job, restart counter is at 7.", UnitEventKind.RestartScheduled, "ecs.service")]
    [InlineData("Mar 03 12:00:12 ip-10-1-2-3 systemd[1]: ecs.service: Service hold-off time over, scheduling restart.", UnitEventKind.RestartScheduled, "ecs.service")]
    [InlineData("Mar 03 12:00:12 ip-10-1-2-3 systemd[1]: ecs.service: Service RestartSec=10s expired, scheduling restart.", UnitEventKind.RestartScheduled, "ecs.service")]
    [InlineData("Mar 03 12:00:12 ip-10-1-2-3 systemd[1]: ecs.service: Start request repeated too quickly.", UnitEventKind.StartLimitHit, "ecs.service")]
    [InlineData("Mar 03 12:00:12 ip-10-1-2-3 systemd[1]: ecs.service: Unit entered failed state.", UnitEventKind.Failed, "ecs.service")]
    [InlineData("Mar 03 12:00:12 ip-10-1-2-3 systemd[1]: Unit ecs.service entered failed state.", UnitEventKind.Failed, "ecs.service")]
    [InlineData("Mar 03 12:00:12 ip-10-1-2-3 systemd[1]: ecs.service failed.", UnitEventKind.Failed, "ecs.service")]
    [InlineData("Mar 03 12:00:12 ip-10-1-2-3 systemd[1]: ecs.service holdoff time over, scheduling restart.", UnitEventKind.RestartScheduled, "ecs.service")]
    [InlineData("Mar 03 12:00:12 ip-10-1-2-3 systemd[1]: start request repeated too quickly for ecs.service", UnitEventKind.StartLimitHit, "ecs.service")]
    [InlineData("Mar 03 12:00:12 ip-10-1-2-3 systemd[1]: Started ecs.service - Amazon Elastic Container Service - container agent.", UnitEventKind.Started, "ecs.service")]
    [InlineData("Mar 03 12:00:12 ip-10-1-2-3 systemd[1]: Failed to start ecs.service - Amazon Elastic Container Service - container agent.", UnitEventKind.FailedToStart, "ecs.service")]
    [InlineData("2026-03-03T12:00:12.000000+00:00 ip-10-1-2-3 systemd[1]: kubelet.service: Scheduled restart job, restart counter is at 3.", UnitEventKind.RestartScheduled, "kubelet.service")]
    [InlineData("[    5.123456] systemd[1]: docker.socket: Failed with result 'resources'.", UnitEventKind.Failed, "docker.socket")]
    [InlineData("systemd[1]: getty@tty1.service: Scheduled restart job, restart counter is at 1.", UnitEventKind.RestartScheduled, "getty@tty1.service")]
    public void Unit_prefixed_and_unit_named_lines(string line, UnitEventKind kind, string unit)
    {
        var (m, user) = P(line);
        m.ShouldNotBeNull(line).Kind.ShouldBe(kind);
        m.Unit.ShouldBe(unit);
        user.ShouldBeFalse();
    }

    [Fact]
    public void Description_lines_keep_the_description_and_fields_are_read()
    {
        P("Mar 03 12:00:12 h systemd[1]: Started Amazon Elastic Container Service - container agent.").Message
            .ShouldBe(new UnitMessage(UnitEventKind.Started, null, "Amazon Elastic Container Service - container agent"));
        P("Mar 03 12:00:12 h systemd[1]: Stopped Amazon Elastic Container Service - container agent.").Message!.Kind.ShouldBe(UnitEventKind.Stopped);
        P("Mar 03 12:00:12 h systemd[1]: Starting Amazon Elastic Container Service - container agent...").Message!.Kind.ShouldBe(UnitEventKind.Starting);
        P("Mar 03 12:00:12 h systemd[1]: ecs.service: Scheduled restart job, restart counter is at 51234.").Message!.Counter.ShouldBe(51234);
        P("Mar 03 12:00:12 h systemd[1]: ecs.service: Main process exited, code=killed, status=9/KILL").Message!.Exit.ShouldBe("code=killed, status=9/KILL");
        P("Mar 03 12:00:12 h systemd[1]: ecs.service: Failed with result 'start-limit-hit'.").Message!.Result.ShouldBe("start-limit-hit");
    }

    [Fact]
    public void User_managers_and_other_programs()
    {
        var (m, user) = P("Mar 03 12:00:12 h systemd[1234]: app.service: Scheduled restart job, restart counter is at 2.");
        m.ShouldNotBeNull().Unit.ShouldBe("app.service");
        user.ShouldBeTrue();
        P("Mar 03 12:00:12 h amazon-ecs-init[1842]: ecs.service: Failed with result 'exit-code'.").Message.ShouldBeNull();
        P("Mar 03 12:00:12 h systemd[1]: ecs.service: Deactivated successfully.").Message.ShouldBeNull();
        P("Mar 03 12:00:12 h systemd[1]: ecs.service: Consumed 1.234s CPU time.").Message.ShouldBeNull();
    }

    [Fact]
    public void Descriptions_map_back_to_units_only_when_unambiguous()
    {
        var map = UnitLog.DescriptionMap(
        [
            new AmiAudit.Core.Model.UnitFact { Name = "ecs.service", Description = "Amazon Elastic Container Service - container agent" },
            new AmiAudit.Core.Model.UnitFact { Name = "a.service", Description = "Same" },
            new AmiAudit.Core.Model.UnitFact { Name = "b.service", Description = "Same" },
        ]);
        map.ShouldBe(new Dictionary<string, string> { ["Amazon Elastic Container Service - container agent"] = "ecs.service" });
        var log = new UnitLog(map);
        log.Add(new UnitMessage(UnitEventKind.Started, null, "Amazon Elastic Container Service - container agent"), false, null);
        log.Add(new UnitMessage(UnitEventKind.Started, null, "Session 5 of User ubuntu"), false, null);
        log.Add(new UnitMessage(UnitEventKind.FailedToStart, null, "Same"), false, null);
        log.Build("syslog").Select(u => u.Name).ShouldBe(["description:Same", "ecs.service"]);
    }
}
