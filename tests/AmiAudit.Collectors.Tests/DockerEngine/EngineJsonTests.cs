using AmiAudit.Collectors.Docker.Api;

namespace AmiAudit.Collectors.Tests.DockerEngine;

public class EngineJsonTests
{
    [Fact]
    public void Container_list_row()
    {
        var c = EngineJson.ParseContainerList(EngineFixtures.ContainerList).ShouldHaveSingleItem();
        c.Id.ShouldBe(EngineFixtures.EcsAgentId);
        c.Names.ShouldBe(["ecs-agent"]);
        c.Created.ShouldBe(1772539190);
        (c.State, c.Status, c.Image).ShouldBe(("running", "Up 10 seconds", "amazon/amazon-ecs-agent:latest"));
    }

    [Fact]
    public void Inspect_with_nanosecond_times_and_restart_policy()
    {
        var d = EngineJson.ParseContainerDetails(EngineFixtures.Inspect);
        d.Name.ShouldBe("ecs-agent");
        d.Created.ShouldBe(new DateTimeOffset(2026, 3, 3, 11, 59, 50, TimeSpan.Zero).AddTicks(6400136));
        d.StartedAt.ShouldBe(new DateTimeOffset(2026, 3, 3, 11, 59, 51, TimeSpan.Zero).AddTicks(123456));
        (d.State, d.ExitCode, d.RestartCount, d.RestartPolicy, d.MaximumRetryCount).ShouldBe(("exited", 5, 0L, "no", 0));
        d.Image.ShouldBe("amazon/amazon-ecs-agent:latest"); // the reference, not the digest
    }

    [Fact]
    public void Never_started_zero_time_and_empty_policy_name()
    {
        var d = EngineJson.ParseContainerDetails("""{"Id":"x","Name":"/n","State":{"Status":"created","StartedAt":"0001-01-01T00:00:00Z"},"HostConfig":{"RestartPolicy":{"Name":""}}}""");
        d.StartedAt.ShouldBeNull();
        d.RestartPolicy.ShouldBe("no");
    }

    [Fact]
    public void Old_daemons_send_state_as_a_string()
    {
        EngineJson.ParseContainerList("""[{"Id":"a","Names":["/x"],"State":"exited"}]""").Single().State.ShouldBe("exited");
        EngineJson.ParseContainerList("""[{"Id":"a","Names":["/x"],"State":{"Status":"paused"}}]""").Single().State.ShouldBe("paused");
    }

    [Fact]
    public void Events_modern_and_legacy()
    {
        var events = EngineFixtures.Events.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(EngineJson.ParseEvent).ToList();
        events.Select(e => e!.Action).ShouldBe(["create", "start", "die", "destroy"]);
        events.ShouldAllBe(e => e!.Name == "ecs-agent" && e.Type == "container");
        events[2]!.Attributes["exitCode"].ShouldBe("5");
        events[2]!.Time.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(1772539193).AddTicks(9988776));
        var legacy = EngineJson.ParseEvent(EngineFixtures.Legacy)!;
        (legacy.Action, legacy.Name, legacy.Time).ShouldBe(("die", "ecs-agent", DateTimeOffset.FromUnixTimeSeconds(1772539193)));
        EngineJson.ParseEvent("""{"status":"die","id":"abc","from":"img","time":5}""")!.Type.ShouldBe("container");
        EngineJson.ParseEvent("[1]").ShouldBeNull();
    }

    [Fact]
    public void Version()
    {
        var v = EngineJson.ParseVersion("""{"Version":"20.10.24+dfsg1","ApiVersion":"1.41","Os":"linux"}""");
        (v.Version, v.ApiVersion).ShouldBe(("20.10.24+dfsg1", "1.41"));
    }
}
