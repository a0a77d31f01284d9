using AmiAudit.Collectors.Docker;
using AmiAudit.Collectors.Tests.RootFs;
using AmiAudit.Core.Model;

namespace AmiAudit.Collectors.Tests.Docker;

public class OnDiskDockerCollectorTests
{
    private const string Id = "c6fdfc760921b2f0e6a1c77d3c1a6f1bd0b6e0b8b6a4f3d2c1e0f9a8b7c6d5e4";

    // Field names as dockerd writes them (daemon/container: ID, Name with '/', Config.Image, Config.Labels).
    private static string Config(string id, string name, string image, string labels = "{}") =>
        $$$"""{"ID":"{{{id}}}","Name":"{{{name}}}","Created":"2026-03-03T11:59:50.640013630Z","Config":{"Image":"{{{image}}}","Labels":{{{labels}}}},"State":{"Running":false,"ExitCode":5}}""";

    private static string HostConfig(string policy, int retries) =>
        $$$"""{"NetworkMode":"host","RestartPolicy":{"Name":"{{{policy}}}","MaximumRetryCount":{{{retries}}}}}""";

    [Fact]
    public void Reads_name_image_restart_policy_and_labels()
    {
        using var root = new TempRoot()
            .Write($"/var/lib/docker/containers/{Id}/config.v2.json", Config(Id, "/ecs-agent", "amazon/amazon-ecs-agent:latest", """{"b":"2","a":"1"}"""))
            .Write($"/var/lib/docker/containers/{Id}/hostconfig.json", HostConfig("always", 0));

        var (s, _) = root.Collect(new OnDiskDockerCollector());

        var c = s.Containers.ShouldHaveSingleItem();
        (c.Name, c.Id, c.Image, c.RestartPolicy, c.MaximumRetryCount).ShouldBe(("ecs-agent", Id, "amazon/amazon-ecs-agent:latest", "always", (int?)0));
        c.Labels.ShouldBe(new SortedDictionary<string, string>(StringComparer.Ordinal) { ["a"] = "1", ["b"] = "2" });
        c.Source.ShouldBe($"/var/lib/docker/containers/{Id}/config.v2.json");
        c.State.ShouldBeNull(); // last state at bake time is not the node's state
    }

    [Fact]
    public void Empty_or_missing_restart_policy_is_no()
    {
        using var root = new TempRoot()
            .Write("/var/lib/docker/containers/aaa/config.v2.json", Config("aaa", "/one", "busybox"))
            .Write("/var/lib/docker/containers/aaa/hostconfig.json", HostConfig("", 0))
            .Write("/var/lib/docker/containers/bbb/config.v2.json", Config("bbb", "/two", "busybox"));

        var (s, _) = root.Collect(new OnDiskDockerCollector());
        s.Containers.Select(c => (c.Name, c.RestartPolicy)).OrderBy(x => x.Name).ShouldBe([("one", "no"), ("two", "no")]);
    }

    [Fact]
    public void Corrupt_json_is_a_diagnostic_with_position_and_the_rest_is_still_read()
    {
        using var root = new TempRoot()
            .Write("/var/lib/docker/containers/bad/config.v2.json", "{\"ID\": \"bad\",\n  \"Name\": }")
            .Write("/var/lib/docker/containers/good/config.v2.json", Config("good", "/good", "nginx"))
            .Write("/var/lib/docker/containers/good/hostconfig.json", "not json");

        var (s, ctx) = root.Collect(new OnDiskDockerCollector());

        s.Containers.ShouldHaveSingleItem().Name.ShouldBe("good");
        ctx.Fs.Diagnostics.ShouldContain(d => d.Code == "unparseable" && d.Path == "/var/lib/docker/containers/bad/config.v2.json" && d.Message.StartsWith("line 2,"));
        ctx.Fs.Diagnostics.ShouldContain(d => d.Code == "unparseable" && d.Path == "/var/lib/docker/containers/good/hostconfig.json");
    }

    [Fact]
    public void Honours_data_root_from_daemon_json()
    {
        using var root = new TempRoot()
            .Write("/etc/docker/daemon.json", """{"data-root": "/data/docker"}""")
            .Write("/data/docker/containers/x/config.v2.json", Config("x", "/moved", "img"))
            .Write("/var/lib/docker/containers/y/config.v2.json", Config("y", "/stale", "img"));

        root.Collect(new OnDiskDockerCollector()).Snapshot.Containers.ShouldHaveSingleItem().Name.ShouldBe("moved");
    }

    [Fact]
    public void Replaces_an_earlier_fact_with_the_same_id_and_keeps_others()
    {
        using var root = new TempRoot().Write("/var/lib/docker/containers/x/config.v2.json", Config("x", "/new", "img"));
        var seed = new Snapshot { Containers = [new ContainerFact { Name = "old", Id = "x" }, new ContainerFact { Name = "other", Id = "z" }] };
        root.Collect(new OnDiskDockerCollector(), seed).Snapshot.Containers.Select(c => c.Name).Order(StringComparer.Ordinal).ShouldBe(["new", "other"]);
    }

    [Fact]
    public void No_docker_directory_means_no_containers()
    {
        using var root = new TempRoot();
        root.Collect(new OnDiskDockerCollector()).Snapshot.Containers.ShouldBeEmpty();
    }
}
