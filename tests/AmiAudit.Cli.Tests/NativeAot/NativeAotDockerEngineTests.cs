using System.Globalization;
using System.Text.Json;
using AmiAudit.Collectors.Tests.RealParts;

namespace AmiAudit.Cli.Tests.NativeAot;

/// <summary>
/// The Docker Engine collector in the shipped binary against a real dockerd: Docker.DotNet reads the
/// Engine's JSON through a source-generated context, which trimming could still break silently (a
/// model with no members reads as nulls). List, inspect (RestartCount, restart policy, state, labels,
/// created) and the /events stream must equal what `docker inspect` says.
/// </summary>
[Trait("Category", "RealParts")]
public sealed class NativeAotDockerEngineTests(NativeAotBinaryFixture aot, DockerdFixture dockerd)
    : IClassFixture<NativeAotBinaryFixture>, IClassFixture<DockerdFixture>
{
    [Fact]
    public void Collect_live_in_the_binary_agrees_with_docker_inspect()
    {
        var name = "aot-" + Guid.NewGuid().ToString("N")[..8];
        var dir = Directory.CreateTempSubdirectory("amiaudit-aot-docker-").FullName;
        DockerdFixture.Must(dockerd.Docker("run", "-d", "--name", name, "--restart", "always", "--network", "none",
            "--label", "team=platform", "--label", "tier=node", DockerdFixture.Image, "/bin/sh", "-c", "sleep 0.5; exit 1"));
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < deadline && int.Parse(DockerdFixture.Must(dockerd.Docker("inspect", "-f", "{{.RestartCount}}", name)), CultureInfo.InvariantCulture) < 2)
                Thread.Sleep(250);
            Directory.CreateDirectory(Path.Combine(dir, "root"));
            Directory.CreateDirectory(Path.Combine(dir, "host"));
            var output = Path.Combine(dir, "live.json");
            var run = aot.Binary.InvokeWith(new Dictionary<string, string> { ["DOCKER_HOST"] = "unix://" + dockerd.SocketPath },
                "collect", "--live", "--root", Path.Combine(dir, "root"), "--host-root", Path.Combine(dir, "host"), "-o", output);
            // The raw inspect JSON, not a -f template: the docker 28 CLI's template for .Created differs
            // between CLI versions ("can't evaluate field Format"), the JSON does not.
            string[] inspect;
            using (var raw = JsonDocument.Parse(DockerdFixture.Must(dockerd.Docker("inspect", name))))
            {
                var c0 = raw.RootElement[0];
                inspect =
                [
                    c0.GetProperty("RestartCount").GetInt64().ToString(CultureInfo.InvariantCulture),
                    c0.GetProperty("HostConfig").GetProperty("RestartPolicy").GetProperty("Name").GetString()!,
                    c0.GetProperty("Id").GetString()!,
                    c0.GetProperty("Created").GetString()!,
                ];
            }

            new[] { 0, 1 }.ShouldContain(run.ExitCode, run.Error);
            using var doc = JsonDocument.Parse(File.ReadAllText(output));
            var diagnostics = doc.RootElement.GetProperty("diagnostics").EnumerateArray()
                .Where(d => d.GetProperty("source").GetString() == "docker-engine").ToList();
            diagnostics.ShouldContain(d => d.GetProperty("code").GetString() == "engine-version", string.Join("\n", diagnostics));
            diagnostics.ShouldNotContain(d => d.GetProperty("level").GetString() == "unavailable" || d.GetProperty("level").GetString() == "warning",
                string.Join("\n", diagnostics));
            var c = doc.RootElement.GetProperty("containers").EnumerateArray().Single(x => x.GetProperty("name").GetString() == name);
            c.GetProperty("id").GetString().ShouldBe(inspect[2]);
            c.GetProperty("restartPolicy").GetString().ShouldBe(inspect[1]);
            c.GetProperty("restartPolicy").GetString().ShouldBe("always");
            Math.Abs(c.GetProperty("restartCount").GetInt64() - long.Parse(inspect[0], CultureInfo.InvariantCulture)).ShouldBeLessThanOrEqualTo(1);
            c.GetProperty("restartCount").GetInt64().ShouldBeGreaterThanOrEqualTo(2);
            c.GetProperty("state").GetString().ShouldNotBeNullOrEmpty();
            DateTimeOffset.Parse(c.GetProperty("created").GetString()!, CultureInfo.InvariantCulture).ToUnixTimeSeconds()
                .ShouldBe(AmiAudit.Collectors.Docker.Api.EngineTime.Parse(inspect[3])!.Value.ToUnixTimeSeconds());
            var labels = c.GetProperty("labels");
            (labels.GetProperty("team").GetString(), labels.GetProperty("tier").GetString()).ShouldBe(("platform", "node"));
            // /events: every restart followed a die, so the rate is positive and the name was created once.
            c.GetProperty("restartsPerHour").GetDouble().ShouldBeGreaterThan(0);
            c.GetProperty("recreatesInWindow").GetInt64().ShouldBe(1);
        }
        finally
        {
            dockerd.Docker("rm", "-f", name);
            Directory.Delete(dir, recursive: true);
        }
    }
}
