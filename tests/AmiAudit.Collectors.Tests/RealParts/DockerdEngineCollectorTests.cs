using System.Globalization;
using AmiAudit.Collectors.Docker;
using AmiAudit.Collectors.RootFs;
using AmiAudit.Core.Model;
using Xunit.Abstractions;

namespace AmiAudit.Collectors.Tests.RealParts;

/// <summary>The Docker Engine collector against a real dockerd: a restart-policy crash loop and an
/// ecs-init style remove+recreate loop, each checked against what `docker inspect` says.</summary>
[Trait("Category", "RealParts")]
public sealed class DockerdEngineCollectorTests(DockerdFixture dockerd, ITestOutputHelper output) : IClassFixture<DockerdFixture>
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(5); // longer than the fixture lives: covers every event

    private Snapshot Collect(Snapshot seed) => new DockerEngineCollector().Collect(new CollectionContext
    {
        Fs = new RootFileSystem("/"), Mode = CollectionMode.Live, Window = Window,
        Environment = new Dictionary<string, string> { ["DOCKER_HOST"] = "unix://" + dockerd.SocketPath },
    }, seed);

    [Fact]
    public void Restart_policy_always_crash_loop_rising_restart_count_and_rate_agree_with_docker_inspect()
    {
        DockerdFixture.Must(dockerd.Docker("run", "-d", "--restart", "always", "--network", "none", "--name", "crashy", DockerdFixture.Image, "/bin/sh", "-c", "sleep 1; exit 1"));
        Thread.Sleep(TimeSpan.FromSeconds(8));
        var first = Collect(new Snapshot()).Containers.Single(c => c.Name == "crashy");
        Thread.Sleep(TimeSpan.FromSeconds(4));
        var snapshot = Collect(new Snapshot());
        var inspected = long.Parse(DockerdFixture.Must(dockerd.Docker("inspect", "-f", "{{.RestartCount}}", "crashy")), CultureInfo.InvariantCulture);

        snapshot.Diagnostics.ShouldNotContain(d => d.Level == "unavailable" || d.Level == "warning");
        var crashy = snapshot.Containers.Single(c => c.Name == "crashy");
        output.WriteLine($"first RestartCount={first.RestartCount} later RestartCount={crashy.RestartCount} inspect={inspected} RestartsPerHour={crashy.RestartsPerHour} dies={crashy.RestartsPerHour * Window.TotalHours}");
        crashy.RestartPolicy.ShouldBe("always");
        crashy.RestartCount!.Value.ShouldBeGreaterThan(first.RestartCount!.Value); // rising
        Math.Abs(crashy.RestartCount.Value - inspected).ShouldBeLessThanOrEqualTo(1);
        crashy.RestartsPerHour!.Value.ShouldBeGreaterThan(0);
        // Every daemon restart follows one die event: the events-derived count matches RestartCount.
        Math.Abs(crashy.RestartsPerHour.Value * Window.TotalHours - inspected).ShouldBeLessThanOrEqualTo(1.001);
        crashy.RecreatesInWindow.ShouldBe(1);
        DockerdFixture.Must(dockerd.Docker("rm", "-f", "crashy"));
    }

    [Fact]
    public void Ecs_init_style_remove_and_recreate_loop_is_seen_with_restart_count_zero()
    {
        const int cycles = 5;
        for (var i = 0; i < cycles; i++)
        {
            // What ecs-init's StartSupervised does: force-remove /ecs-agent, create + start a new one.
            dockerd.Docker("rm", "-f", "ecs-agent");
            DockerdFixture.Must(dockerd.Docker("run", "-d", "--network", "none", "--name", "ecs-agent", DockerdFixture.Image, "/bin/sh", "-c", "sleep 1; exit 1"));
            Thread.Sleep(TimeSpan.FromSeconds(2));
        }
        var seed = new Snapshot { Systemd = new SystemdFacts { Units = [new UnitFact { Name = "ecs.service", ExecStart = ["/usr/libexec/amazon-ecs-init start"] }] } };
        var snapshot = Collect(seed);
        var inspected = DockerdFixture.Must(dockerd.Docker("inspect", "-f", "{{.RestartCount}} {{.State.Status}}", "ecs-agent"));

        var ecs = snapshot.Containers.Single(c => c.Name == "ecs-agent");
        output.WriteLine($"inspect: {inspected}; collector: RestartCount={ecs.RestartCount} RecreatesInWindow={ecs.RecreatesInWindow} RestartsPerHour={ecs.RestartsPerHour}");
        inspected.ShouldStartWith("0 ");
        ecs.RestartCount.ShouldBe(0);
        ecs.RecreatesInWindow.ShouldBe(cycles); // every create this test made, across 5 container IDs
        ecs.RestartsPerHour!.Value.ShouldBeGreaterThanOrEqualTo((cycles - 1) / Window.TotalHours); // the last one may still be running
        ecs.OwnerUnit.ShouldBe("ecs.service");
        // What `amiaudit probe` prints for it: the on-call verdict from the real daemon's facts.
        AmiAudit.Core.Health.NodeHealth.Verdicts(snapshot).ShouldContain(v =>
            v.StartsWith($"containers: ecs-agent recreated {cycles} times, restarting ", StringComparison.Ordinal)
            && v.Contains("RestartCount 0", StringComparison.Ordinal) && v.EndsWith("— problem", StringComparison.Ordinal));
        dockerd.Docker("rm", "-f", "ecs-agent");
    }

    [Fact]
    public void Collector_reports_the_version_of_the_daemon_it_spoke_to()
    {
        // The refused / silent / missing socket cases are in DockerEngine/DockerDotNetEngineApiTests.
        var s = Collect(new Snapshot());
        s.Diagnostics.ShouldContain(d => d.Code == "engine-version" && d.Message.Contains(dockerd.SocketPath));
    }
}
