using System.Diagnostics;
using AmiAudit.Collectors.Docker;
using AmiAudit.Collectors.RootFs;
using AmiAudit.Collectors.Tests.Live;
using AmiAudit.Core.Model;

namespace AmiAudit.Collectors.Tests.DockerEngine;

public class DockerEngineCollectorTests
{
    private const long T0 = 1772539100; // fixture events start here
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(T0 + 3000);

    private static CollectionContext Context(string socket, TimeSpan window, string hostRoot = "/") => new()
    {
        Fs = new RootFileSystem(hostRoot), Mode = CollectionMode.Live, HostRoot = hostRoot, Clock = new FixedClock(Now), Window = window,
        Environment = new Dictionary<string, string> { ["DOCKER_HOST"] = "unix://" + socket },
    };

    private static FakeEngineServer Engine(string events) => new(p => FakeEngineServer.Route(p) switch
    {
        "/_ping" => (200, "OK"),
        "/version" => (200, """{"Version":"20.10.24","ApiVersion":"1.41"}"""),
        "/containers/json" => (200, EngineFixtures.ContainerList),
        var r when r.StartsWith("/containers/", StringComparison.Ordinal) => (200, EngineFixtures.Inspect),
        "/events" => (200, events),
        _ => null,
    });

    [Fact]
    public void Ecs_init_recreate_loop_is_counted_per_name_with_restart_count_zero_and_tied_to_its_unit()
    {
        // 20 cycles, one every 15 s, ending before "now"; RestartCount of the current container stays 0.
        using var server = Engine(EngineFixtures.RecreateLoop("ecs-agent", 20, T0, 15) + EngineFixtures.RecreateLoop("other", 1, T0, 15));
        var disk = new Snapshot
        {
            Systemd = new SystemdFacts { Units = [new UnitFact { Name = "ecs.service", ExecStart = ["/usr/libexec/amazon-ecs-init start"] }] },
            Containers = [new ContainerFact { Name = "ecs-agent", Id = EngineFixtures.EcsAgentId, Source = "/var/lib/docker/containers/c6fd/config.v2.json" }],
        };
        var after = new DockerEngineCollector().Collect(Context(server.SocketPath, TimeSpan.FromHours(1)), disk);

        var ecs = after.Containers.Where(c => c.Name == "ecs-agent").ShouldHaveSingleItem(); // merged with the disk fact, not duplicated
        ecs.Source.ShouldBe("/var/lib/docker/containers/c6fd/config.v2.json");
        ecs.RestartCount.ShouldBe(0);
        ecs.RecreatesInWindow.ShouldBe(20);
        ecs.RestartsPerHour.ShouldBe(20.0); // 20 dies in a 1 h window
        (ecs.State, ecs.ExitCode, ecs.RestartPolicy).ShouldBe(("exited", 5, "no"));
        ecs.Created.ShouldBe(new DateTimeOffset(2026, 3, 3, 11, 59, 50, TimeSpan.Zero).AddTicks(6400136));
        ecs.OwnerUnit.ShouldBe("ecs.service");
        ecs.OwnerUnitEvidence!.ShouldStartWith("heuristic");
        after.Containers.ShouldNotContain(c => c.Name == "other"); // gone, created once: not a loop
        after.Diagnostics.ShouldHaveSingleItem().Code.ShouldBe("engine-version");
        server.Paths.ShouldContain(p => FakeEngineServer.Route(p) == "/events"
            && p.Contains($"since={Now.AddHours(-1).ToUnixTimeSeconds()}", StringComparison.Ordinal) && p.Contains($"until={Now.ToUnixTimeSeconds()}", StringComparison.Ordinal));
    }

    [Fact]
    public void A_name_seen_only_in_events_is_kept_when_it_was_recreated()
    {
        using var server = Engine(EngineFixtures.RecreateLoop("job-runner", 3, T0, 60));
        var after = new DockerEngineCollector().Collect(Context(server.SocketPath, TimeSpan.FromHours(1)), new Snapshot());
        var gone = after.Containers.Single(c => c.Name == "job-runner");
        (gone.State, gone.RecreatesInWindow, gone.RestartsPerHour, gone.Id).ShouldBe(("removed", 3L, 3.0, (string?)null));
    }

    [Fact]
    public void When_the_daemon_ring_buffer_overflowed_the_rate_uses_the_span_actually_covered()
    {
        // 70 cycles × 4 events = 280 ≥ 256: older events were lost; the first one received is at T0+1200.
        using var server = Engine(EngineFixtures.RecreateLoop("ecs-agent", 70, T0 + 1200, 20));
        var after = new DockerEngineCollector().Collect(Context(server.SocketPath, TimeSpan.FromHours(1)), new Snapshot());
        var ecs = after.Containers.Single(c => c.Name == "ecs-agent");
        var coveredHours = (Now - DateTimeOffset.FromUnixTimeSeconds(T0 + 1200)).TotalHours;
        ecs.RestartsPerHour!.Value.ShouldBe(70 / coveredHours, 0.001);
        after.Diagnostics.ShouldContain(d => d.Code == "events-truncated");
    }

    [Fact]
    public void Unresponsive_socket_is_unavailable_within_five_seconds_and_changes_nothing_else()
    {
        using var server = FakeEngineServer.Silent();
        var before = new Snapshot { Containers = [new ContainerFact { Name = "x" }] };
        var watch = Stopwatch.StartNew();
        var after = new DockerEngineCollector().Collect(Context(server.SocketPath, TimeSpan.Zero), before);
        watch.Elapsed.ShouldBeLessThanOrEqualTo(TimeSpan.FromSeconds(5));
        var d = after.Diagnostics.ShouldHaveSingleItem();
        (d.Source, d.Level, d.Code).ShouldBe(("docker-engine", "unavailable", "unavailable"));
        after.Containers.ShouldBeSameAs(before.Containers);
    }

    [Theory]
    [InlineData("tcp://10.0.0.1:2375", "not supported")]
    [InlineData("unix:///nonexistent-amiaudit/docker.sock", "no such socket")]
    public void Unusable_docker_host_is_unavailable(string dockerHost, string message)
    {
        var ctx = new CollectionContext
        {
            Fs = new RootFileSystem("/"), Mode = CollectionMode.Live,
            Environment = new Dictionary<string, string> { ["DOCKER_HOST"] = dockerHost },
        };
        var d = new DockerEngineCollector().Collect(ctx, new Snapshot()).Diagnostics.ShouldHaveSingleItem();
        d.Level.ShouldBe("unavailable");
        d.Message.ShouldContain(message);
    }

    [Fact]
    public void Without_docker_host_the_socket_is_looked_up_under_the_host_root_with_var_run_rerooted()
    {
        var root = Directory.CreateTempSubdirectory("aae");
        try
        {
            Directory.CreateDirectory(Path.Combine(root.FullName, "run"));
            Directory.CreateDirectory(Path.Combine(root.FullName, "var"));
            File.CreateSymbolicLink(Path.Combine(root.FullName, "var/run"), "/run"); // absolute, as on real hosts
            var ep = AmiAudit.Collectors.Docker.Api.DockerEndpoint.Resolve(new Dictionary<string, string>(), root.FullName);
            ep.SocketPath.ShouldBe(Path.Combine(root.FullName, "run/docker.sock"));
        }
        finally { root.Delete(true); }
    }

    [Fact]
    public void Owner_unit_from_a_unit_that_runs_docker_with_the_name()
    {
        var units = new List<UnitFact>
        {
            new() { Name = "a.service", ExecStart = ["/usr/bin/docker run --rm --name=node-exporter prom/node-exporter"] },
            new() { Name = "b.service", ExecStart = ["/usr/bin/docker run --name fluentd fluent/fluentd"] },
        };
        EngineOwnerUnits.Find("fluentd", units)!.Value.Unit.ShouldBe("b.service");
        EngineOwnerUnits.Find("node-exporter", units)!.Value.Unit.ShouldBe("a.service");
        EngineOwnerUnits.Find("fluent", units).ShouldBeNull();
        EngineOwnerUnits.Find("ecs-agent", units).ShouldBeNull(); // no amazon-ecs-init unit: no guess
    }
}
