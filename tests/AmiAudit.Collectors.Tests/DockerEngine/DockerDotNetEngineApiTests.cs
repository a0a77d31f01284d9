using System.Diagnostics;
using System.Net.Sockets;
using AmiAudit.Collectors.Docker.Api;

namespace AmiAudit.Collectors.Tests.DockerEngine;

/// <summary>
/// The Docker.DotNet adapter over a real unix socket (<see cref="FakeEngineServer"/> answers with
/// node-facts 7.8 bodies, or hostile ones): the SDK's paths and models give our records, and every
/// failure — transport, HTTP, a body the models refuse — is a <see cref="DockerEngineUnavailableException"/>.
/// </summary>
public class DockerDotNetEngineApiTests
{
    private static FakeEngineServer Serving(string listBody = EngineFixtures.ContainerList, string inspectBody = EngineFixtures.Inspect, string? events = null, string version = """{"Version":"20.10.24+dfsg1","ApiVersion":"1.41","Os":"linux"}""") =>
        new(p => FakeEngineServer.Route(p) switch
        {
            "/_ping" => (200, "OK"),
            "/version" => (200, version),
            "/containers/json" => (200, listBody),
            "/containers/gone/json" => null, // 404
            var r when r.StartsWith("/containers/", StringComparison.Ordinal) => (200, inspectBody),
            "/events" => (200, events ?? EngineFixtures.Events),
            _ => null,
        });

    [Fact]
    public async Task Socket_that_accepts_and_never_answers_times_out_within_five_seconds()
    {
        using var server = FakeEngineServer.Silent();
        using var client = new DockerDotNetEngineApi(server.SocketPath);
        var watch = Stopwatch.StartNew();
        var e = await Should.ThrowAsync<DockerEngineUnavailableException>(() => client.PingAsync(CancellationToken.None));
        watch.Elapsed.ShouldBeLessThanOrEqualTo(TimeSpan.FromSeconds(5));
        watch.Elapsed.ShouldBeGreaterThanOrEqualTo(DockerDotNetEngineApi.DefaultRequestTimeout - TimeSpan.FromMilliseconds(100)); // it really waited, i.e. connected
        e.Message.ShouldContain("no answer");
    }

    [Fact]
    public async Task Socket_file_without_listener_is_refused()
    {
        var dir = Directory.CreateTempSubdirectory("aae");
        try
        {
            var path = Path.Combine(dir.FullName, "d.sock");
            // Bound but never listening: connect() gets ECONNREFUSED, as for a stale socket of a dead daemon.
            using var bound = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            bound.Bind(new UnixDomainSocketEndPoint(path));
            File.Exists(path).ShouldBeTrue();
            using var client = new DockerDotNetEngineApi(path);
            var e = await Should.ThrowAsync<DockerEngineUnavailableException>(() => client.PingAsync(CancellationToken.None));
            e.Message.ShouldContain("refused");
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public async Task Missing_socket()
    {
        using var client = new DockerDotNetEngineApi("/nonexistent-amiaudit/docker.sock");
        (await Should.ThrowAsync<DockerEngineUnavailableException>(() => client.PingAsync(CancellationToken.None))).Message.ShouldContain("no such socket");
    }

    [Fact]
    public async Task Requests_go_to_the_engine_paths_and_parse()
    {
        using var server = Serving(events: EngineFixtures.Events);
        using var client = new DockerDotNetEngineApi(server.SocketPath);
        (await client.PingAsync(default)).ShouldBe("OK");
        var v = await client.GetVersionAsync(default);
        (v.Version, v.ApiVersion).ShouldBe(("20.10.24+dfsg1", "1.41"));
        var c = (await client.ListContainersAsync(default)).ShouldHaveSingleItem();
        c.Id.ShouldBe(EngineFixtures.EcsAgentId);
        c.Names.ShouldBe(["ecs-agent"]);
        c.Created.ShouldBe(1772539190);
        (c.State, c.Status, c.Image).ShouldBe(("running", "Up 10 seconds", "amazon/amazon-ecs-agent:latest"));
        (await client.InspectContainerAsync("gone", default)).ShouldBeNull(); // 404: removed between list and inspect
        var page = await client.GetEventsAsync(DateTimeOffset.FromUnixTimeSeconds(1772539100), DateTimeOffset.FromUnixTimeSeconds(1772539200), default);
        (page.Events.Count, page.RecordsReceived, page.LinesSkipped).ShouldBe((4, 4, 0));
        server.Paths.Select(FakeEngineServer.Route).ShouldBe(["/_ping", "/version", "/containers/json", "/containers/gone/json", "/events"]);
        server.Paths.ShouldContain(p => p.Contains("all=", StringComparison.Ordinal) && p.Contains("/containers/json", StringComparison.Ordinal));
        server.Paths.ShouldContain(p => p.Contains("since=1772539100", StringComparison.Ordinal) && p.Contains("until=1772539200", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Inspect_with_nanosecond_times_and_restart_policy()
    {
        using var server = Serving();
        using var client = new DockerDotNetEngineApi(server.SocketPath);
        var d = (await client.InspectContainerAsync(EngineFixtures.EcsAgentId, default))!;
        d.Name.ShouldBe("ecs-agent");
        d.Created.ShouldBe(new DateTimeOffset(2026, 3, 3, 11, 59, 50, TimeSpan.Zero).AddTicks(6400136));
        d.StartedAt.ShouldBe(new DateTimeOffset(2026, 3, 3, 11, 59, 51, TimeSpan.Zero).AddTicks(123456));
        (d.State, d.ExitCode, d.RestartCount, d.RestartPolicy, d.MaximumRetryCount).ShouldBe(("exited", 5, 0L, "no", 0));
        d.Image.ShouldBe("amazon/amazon-ecs-agent:latest"); // the reference, not the digest
    }

    [Theory]
    [InlineData("", "no")] // what the daemon stores for "no"
    [InlineData("always", "always")]
    [InlineData("on-failure", "on-failure")]
    [InlineData("unless-stopped", "unless-stopped")]
    public async Task Restart_policy_names_are_the_api_spelling(string wire, string expected)
    {
        using var server = Serving(inspectBody: """{"Id":"x","Name":"/n","RestartCount":7,"State":{"Status":"created","StartedAt":"0001-01-01T00:00:00Z"},"HostConfig":{"RestartPolicy":{"Name":"WIRE","MaximumRetryCount":3}},"Config":{"Labels":{"b":"2","a":"1"}}}""".Replace("WIRE", wire, StringComparison.Ordinal));
        using var client = new DockerDotNetEngineApi(server.SocketPath);
        var d = (await client.InspectContainerAsync("x", default))!;
        (d.RestartPolicy, d.MaximumRetryCount, d.RestartCount).ShouldBe((expected, 3, 7L));
        d.StartedAt.ShouldBeNull(); // Go's zero time: never started
        d.Labels.Keys.ShouldBe(["a", "b"]);
    }

    [Fact]
    public async Task Events_carry_action_name_attributes_and_nanosecond_time()
    {
        using var server = Serving(events: EngineFixtures.Events + EngineFixtures.Legacy + "\n");
        using var client = new DockerDotNetEngineApi(server.SocketPath);
        var page = await client.GetEventsAsync(DateTimeOffset.FromUnixTimeSeconds(1772539100), DateTimeOffset.FromUnixTimeSeconds(1772539200), default);
        page.Events.Select(e => e.Action).ShouldBe(["create", "start", "die", "destroy", "die"]);
        page.Events.ShouldAllBe(e => e.Name == "ecs-agent" && e.Type == "container");
        page.Events[2].Attributes["exitCode"].ShouldBe("5");
        page.Events[2].Time.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(1772539193).AddTicks(9988776));
        page.Events[4].Time.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(1772539193)); // only "time", no "timeNano"
    }

    [Fact]
    public async Task Http_errors_and_junk_bodies_are_unavailable_with_the_daemon_message()
    {
        using var server = new FakeEngineServer(p => FakeEngineServer.Route(p) switch
        {
            "/version" => (500, """{"message":"daemon is shutting down"}"""),
            "/containers/json" => (200, "<html>proxy</html>"),
            _ => null,
        });
        using var client = new DockerDotNetEngineApi(server.SocketPath);
        (await Should.ThrowAsync<DockerEngineUnavailableException>(() => client.GetVersionAsync(default))).Message.ShouldContain("daemon is shutting down");
        (await Should.ThrowAsync<DockerEngineUnavailableException>(() => client.ListContainersAsync(default))).Message.ShouldContain("invalid JSON");
    }

    /// <summary>What the hand-written reader was hardened against (fuzzing: an unpaired surrogate escape
    /// threw InvalidOperationException), plus shapes the SDK's typed models refuse: each is an
    /// "unavailable" answer, never an exception the collector does not expect.</summary>
    [Theory]
    [InlineData("""[{"Id":"a","Names":["/\ud800x"],"Labels":{"\udc00":"v"}}]""")]
    [InlineData("""[{"Id":"a","Created":"yesterday"}]""")]
    [InlineData("""[{"Id":"a","Created":1e400}]""")]
    [InlineData("""[{"Id":"a","Names":"ecs-agent"}]""")]
    [InlineData("""[{"Id":"a","Labels":{"k":1}}]""")]
    [InlineData("""{"Id":"a"}""")]
    [InlineData("""[{"Id":"a",""")]
    [InlineData("\"\\u0000\"")]
    public async Task Hostile_container_lists_are_unavailable(string body)
    {
        using var server = Serving(listBody: body);
        using var client = new DockerDotNetEngineApi(server.SocketPath);
        await Should.ThrowAsync<DockerEngineUnavailableException>(() => client.ListContainersAsync(default));
    }

    [Fact]
    public async Task Deeply_nested_answer_is_unavailable()
    {
        using var server = Serving(listBody: new string('[', 100_000) + new string(']', 100_000));
        using var client = new DockerDotNetEngineApi(server.SocketPath);
        await Should.ThrowAsync<DockerEngineUnavailableException>(() => client.ListContainersAsync(default));
    }

    [Theory]
    [InlineData("""{"Id":"x","Name":"/\ud800","State":{"Status":"exited"}}""")]
    [InlineData("""{"Id":"x","RestartCount":"many"}""")]
    [InlineData("""{"Id":"x","HostConfig":{"RestartPolicy":{"Name":"sometimes"}}}""")]
    [InlineData("""{"Id":"x","State":{"ExitCode":99999999999999999999999}}""")]
    public async Task Hostile_inspect_answers_are_unavailable(string body)
    {
        using var server = Serving(inspectBody: body);
        using var client = new DockerDotNetEngineApi(server.SocketPath);
        await Should.ThrowAsync<DockerEngineUnavailableException>(() => client.InspectContainerAsync("x", default));
    }

    [Fact]
    public async Task A_junk_event_record_keeps_the_events_before_it_and_counts_as_skipped()
    {
        var lines = EngineFixtures.Events.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        using var server = Serving(events: lines[0] + "\n" + lines[1] + "\n" + """{"Type":"container","Action":"\ud800","time":"x"}""" + "\n" + lines[2] + "\n");
        using var client = new DockerDotNetEngineApi(server.SocketPath);
        var page = await client.GetEventsAsync(DateTimeOffset.FromUnixTimeSeconds(1772539100), DateTimeOffset.FromUnixTimeSeconds(1772539200), default);
        page.Events.Select(e => e.Action).ShouldBe(["create", "start"]);
        page.LinesSkipped.ShouldBe(1);
    }

    [Fact]
    public async Task Events_without_action_or_time_are_skipped_not_fatal()
    {
        using var server = Serving(events: """{"Type":"container","Actor":{"ID":"a"},"time":5}""" + "\n" + """{"Type":"container","Action":"die","Actor":{"ID":"a"}}""" + "\n" + """{"Type":"container","Action":"die","time":99999999999999}""" + "\n");
        using var client = new DockerDotNetEngineApi(server.SocketPath);
        var page = await client.GetEventsAsync(DateTimeOffset.FromUnixTimeSeconds(0), DateTimeOffset.FromUnixTimeSeconds(10), default);
        (page.Events.Count, page.RecordsReceived, page.LinesSkipped).ShouldBe((0, 3, 3));
    }

    [Fact]
    public void Engine_times_cut_nanoseconds_and_treat_go_zero_time_as_never()
    {
        EngineTime.Parse("2026-03-03T11:59:51.012345678Z").ShouldBe(new DateTimeOffset(2026, 3, 3, 11, 59, 51, TimeSpan.Zero).AddTicks(123456));
        EngineTime.Parse("0001-01-01T00:00:00Z").ShouldBeNull();
        EngineTime.Parse("garbage").ShouldBeNull();
        EngineTime.Parse(null).ShouldBeNull();
    }
}
