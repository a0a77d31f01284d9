using System.Diagnostics;
using System.Net.Sockets;
using AmiAudit.Collectors.Docker.Api;

namespace AmiAudit.Collectors.Tests.DockerEngine;

public class DockerEngineClientTests
{
    [Fact]
    public async Task Socket_that_accepts_and_never_answers_times_out_within_five_seconds()
    {
        using var server = FakeEngineServer.Silent();
        using var client = new DockerEngineClient(server.SocketPath);
        var watch = Stopwatch.StartNew();
        var e = await Should.ThrowAsync<DockerEngineUnavailableException>(() => client.PingAsync(CancellationToken.None));
        watch.Elapsed.ShouldBeLessThanOrEqualTo(TimeSpan.FromSeconds(5));
        watch.Elapsed.ShouldBeGreaterThanOrEqualTo(DockerEngineClient.DefaultRequestTimeout - TimeSpan.FromMilliseconds(100)); // it really waited, i.e. connected
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
            using var client = new DockerEngineClient(path);
            var e = await Should.ThrowAsync<DockerEngineUnavailableException>(() => client.PingAsync(CancellationToken.None));
            e.Message.ShouldContain("refused");
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public async Task Missing_socket()
    {
        using var client = new DockerEngineClient("/nonexistent-amiaudit/docker.sock");
        (await Should.ThrowAsync<DockerEngineUnavailableException>(() => client.PingAsync(CancellationToken.None))).Message.ShouldContain("no such socket");
    }

    [Fact]
    public async Task Requests_go_to_the_engine_paths_and_parse()
    {
        using var server = new FakeEngineServer(p => p switch
        {
            "/_ping" => (200, "OK"),
            "/containers/json?all=1" => (200, EngineFixtures.ContainerList),
            _ when p.StartsWith("/containers/" + EngineFixtures.EcsAgentId + "/json", StringComparison.Ordinal) => (200, EngineFixtures.Inspect),
            _ when p.StartsWith("/events?since=1772539100&until=1772539200", StringComparison.Ordinal) => (200, EngineFixtures.Events + "\nnot json\n\n"),
            _ => null,
        });
        using var client = new DockerEngineClient(server.SocketPath);
        (await client.PingAsync(default)).ShouldBe("OK");
        (await client.ListContainersAsync(default)).ShouldHaveSingleItem().Names.ShouldBe(["ecs-agent"]);
        (await client.InspectContainerAsync(EngineFixtures.EcsAgentId, default))!.ExitCode.ShouldBe(5);
        (await client.InspectContainerAsync("gone", default)).ShouldBeNull(); // 404
        var page = await client.GetEventsAsync(DateTimeOffset.FromUnixTimeSeconds(1772539100), DateTimeOffset.FromUnixTimeSeconds(1772539200), default);
        (page.Events.Count, page.RecordsReceived, page.LinesSkipped).ShouldBe((4, 4, 1));
    }

    [Fact]
    public async Task Http_errors_and_junk_bodies_are_unavailable_with_the_daemon_message()
    {
        using var server = new FakeEngineServer(p => p switch
        {
            "/version" => (500, """{"message":"daemon is shutting down"}"""),
            "/containers/json?all=1" => (200, "<html>proxy</html>"),
            _ => null,
        });
        using var client = new DockerEngineClient(server.SocketPath);
        (await Should.ThrowAsync<DockerEngineUnavailableException>(() => client.GetVersionAsync(default))).Message.ShouldContain("daemon is shutting down");
        (await Should.ThrowAsync<DockerEngineUnavailableException>(() => client.ListContainersAsync(default))).Message.ShouldContain("invalid JSON");
    }
}
