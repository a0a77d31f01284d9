using System.Diagnostics;
using System.Globalization;
using AmiAudit.Collectors.Live.Process;
using AmiAudit.Collectors.RootFs;
using AmiAudit.Collectors.Tests.Evidence;
using AmiAudit.Core.Model;
using Xunit.Abstractions;

namespace AmiAudit.Collectors.Tests.RealParts;

/// <summary>
/// The post-mortem evidence collectors against real parts: a persistent journal written by a real systemd
/// (booted with systemd-nspawn, then stopped) read with the host's journalctl; real container logs and create
/// times from a real dockerd; real rotations and gzip from logrotate.
/// </summary>
[Trait("Category", "RealParts")]
public sealed class EvidenceRealPartsTests(ITestOutputHelper output)
{
    private const string Unit = "pmloop.service";

    [Fact]
    public void Restarts_read_from_a_stopped_nodes_persistent_journal_equal_what_systemd_said_live()
    {
        if (!File.Exists("/usr/bin/systemd-nspawn")) throw new InvalidOperationException("systemd-nspawn missing: run scripts/install-test-deps.sh");
        var dir = Directory.CreateTempSubdirectory("aaev-").FullName;
        try
        {
            var root = new DebianRoot().CopyTo(dir);
            // Storage=persistent with the directory in place: journald writes /var/log/journal/<machine-id>.
            Directory.CreateDirectory(Path.Combine(root, "var/log/journal"));
            Directory.CreateDirectory(Path.Combine(root, "etc/systemd/journald.conf.d"));
            File.WriteAllText(Path.Combine(root, "etc/systemd/journald.conf.d/persistent.conf"), "[Journal]\nStorage=persistent\n");
            // Crash-loops every second until systemd gives up (6 starts in 60 s): NRestarts then stays put for the comparison.
            File.WriteAllText(Path.Combine(root, "etc/systemd/system", Unit), """
                [Unit]
                Description=AmiAudit post-mortem loop
                StartLimitIntervalSec=60
                StartLimitBurst=6

                [Service]
                Restart=always
                RestartSec=1
                ExecStart=/bin/sh -c 'echo failing; exit 3'

                [Install]
                WantedBy=multi-user.target
                """);
            var wants = Path.Combine(root, "etc/systemd/system/multi-user.target.wants");
            Directory.CreateDirectory(wants);
            File.CreateSymbolicLink(Path.Combine(wants, Unit), "/etc/systemd/system/" + Unit);

            long live;
            string liveResult;
            var nspawn = Process.Start(new ProcessStartInfo("/bin/sh",
            [
                "-c", "exec systemd-nspawn -D \"$1\" --register=no --keep-unit -b --console=passive >\"$2/nspawn.log\" 2>&1", "sh", root, dir,
            ]) { UseShellExecute = false })!;
            try
            {
                var pid = WaitForSystemd(nspawn, Path.Combine(dir, "nspawn.log"));
                var runner = new NamespaceProcessRunner(SystemProcessRunner.Instance, pid);
                string Run(params string[] args) => runner.Run(new ProcessRequest(args[0], args[1..]) { Timeout = TimeSpan.FromSeconds(20) }).Stdout.Trim();
                var deadline = DateTime.UtcNow.AddSeconds(60);
                // systemd gives up after the burst: the unit stays failed and NRestarts stops moving.
                while (Run("systemctl", "show", "-P", "ActiveState", Unit) != "failed" && DateTime.UtcNow < deadline) Thread.Sleep(250);
                live = long.Parse(Run("systemctl", "show", "-P", "NRestarts", Unit), CultureInfo.InvariantCulture);
                liveResult = Run("systemctl", "show", "-P", "Result", Unit);
                Run("journalctl", "--sync");
                output.WriteLine($"live: NRestarts={live} Result={liveResult} ActiveState={Run("systemctl", "show", "-P", "ActiveState", Unit)}");
            }
            finally
            {
                // SIGTERM: an orderly poweroff, journald flushes and closes its files.
                if (!nspawn.HasExited)
                {
                    SystemProcessRunner.Instance.Run(new ProcessRequest("kill", ["-TERM", nspawn.Id.ToString(CultureInfo.InvariantCulture)]));
                    if (!nspawn.WaitForExit(TimeSpan.FromSeconds(30))) nspawn.Kill(entireProcessTree: true);
                }
                nspawn.Dispose();
            }
            live.ShouldBeGreaterThanOrEqualTo(4);

            // The stopped tree, as an SRE would attach it: the host's journalctl reads the root's journal files.
            var watch = Stopwatch.StartNew();
            var snapshot = SnapshotCollector.Collect(new CollectionContext { Fs = new RootFileSystem(root) });
            output.WriteLine($"collect --root: {watch.ElapsedMilliseconds} ms; journal {snapshot.Evidence?.Journal?.Status} {snapshot.Evidence?.Journal?.Records} records in {snapshot.Evidence?.Journal?.Files.Count} files");
            var evidence = snapshot.Evidence.ShouldNotBeNull();
            evidence.Journal.ShouldNotBeNull().Status.ShouldBe("read", evidence.Journal.Reason);
            var unit = evidence.Units.Single(u => u.Name == Unit && !u.UserManager);
            output.WriteLine($"journal: restarts={unit.Restarts} counter={unit.RestartCounter} failures={unit.Failures} starts={unit.Starts} limit={unit.StartLimitHits} exit={unit.LastExit} result={unit.LastResult}");
            unit.Restarts.ShouldBe(live);
            unit.RestartCounter.ShouldBe(live);
            unit.StartLimitHits.ShouldBe(1);
            unit.LastResult.ShouldBe(liveResult); // systemd 252 keeps the last run's result (exit-code) on a start-limit stop
            unit.LastExit.ShouldNotBeNull().ShouldContain("status=3");
            snapshot.Systemd.Units.Single(u => u.Name == Unit).NRestarts.ShouldBe(live);
            evidence.Timeline.ShouldContain(t => t.Subject == Unit && t.Event.StartsWith("start request repeated too quickly", StringComparison.Ordinal));
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static int WaitForSystemd(Process nspawn, string log)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !nspawn.HasExited)
        {
            var children = $"/proc/{nspawn.Id}/task/{nspawn.Id}/children";
            if (File.Exists(children))
                foreach (var p in File.ReadAllText(children).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    if (File.Exists($"/proc/{p}/comm") && File.ReadAllText($"/proc/{p}/comm").Trim() == "systemd")
                        return int.Parse(p, CultureInfo.InvariantCulture);
            Thread.Sleep(100);
        }
        var text = File.Exists(log) ? File.ReadAllText(log) : "";
        throw new InvalidOperationException($"systemd-nspawn did not start systemd (exited: {nspawn.HasExited}):\n{(text.Length > 3000 ? text[^3000..] : text)}");
    }

    [Fact]
    public void Rotated_and_gzipped_by_logrotate_the_loop_is_counted_once()
    {
        if (!File.Exists("/usr/sbin/logrotate")) throw new InvalidOperationException("logrotate missing: run scripts/install-test-deps.sh");
        using var root = new RootFs.TempRoot()
            .Write("/etc/os-release", "ID=debian\n")
            .Write("/lib/systemd/system/ecs.service", DeadNodeRoot.EcsUnit);
        var lines = DeadNodeRoot.EcsLoop(300);
        var conf = root.Host("/etc/logrotate-test.conf");
        // Debian's rsyslog policy: rotate, compress, delaycompress (so syslog.1 stays plain and .2 on are gzipped).
        File.WriteAllText(conf, $"{root.Host("/var/log/syslog")} {{\n  rotate 7\n  compress\n  delaycompress\n  missingok\n}}\n");
        Directory.CreateDirectory(root.Host("/var/log"));
        var state = root.Host("/var/lib/logrotate/status");
        Directory.CreateDirectory(Path.GetDirectoryName(state)!);
        for (var part = 0; part < 3; part++)
        {
            File.AppendAllText(root.Host("/var/log/syslog"), string.Join('\n', lines.Skip(part * 900).Take(900)) + "\n");
            if (part < 2)
            {
                var r = SystemProcessRunner.Instance.Run(new ProcessRequest("/usr/sbin/logrotate", ["-f", "-s", state, conf]) { Timeout = TimeSpan.FromSeconds(30) });
                r.Succeeded.ShouldBeTrue(r.Describe(new ProcessRequest("logrotate", [])));
            }
        }
        foreach (var f in Directory.GetFiles(root.Host("/var/log"))) File.SetLastWriteTimeUtc(f, DeadNodeRoot.LoopStart.AddDays(1).UtcDateTime);
        Directory.GetFiles(root.Host("/var/log")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ShouldBe(["syslog", "syslog.1", "syslog.2.gz"]);

        var s = DeadNodeRoot.Collect(root);
        var e = s.Evidence.ShouldNotBeNull();
        var ecs = e.Units.Single(u => u.Name == "ecs.service");
        ecs.Restarts.ShouldBe(300);
        ecs.RestartCounter.ShouldBe(300);
        ecs.Starts.ShouldBe(300);
        e.Ecs.ShouldNotBeNull().AgentStarts.ShouldBe(300);
        var gz = e.Sources.Single(x => x.Path == "/var/log/syslog.2.gz");
        gz.Status.ShouldBe("read");
        gz.Bytes.ShouldBeGreaterThan(new FileInfo(root.Host("/var/log/syslog.2.gz")).Length);
        output.WriteLine(string.Join("; ", e.Sources.Select(x => $"{x.Path} {x.Bytes} B {x.Lines} lines")));
    }

    [Fact]
    public void A_container_recreated_by_a_real_dockerd_leaves_its_create_time_and_log_on_disk()
    {
        using var dockerd = new DockerdFixture();
        const int recreations = 4;
        var created = new List<DateTimeOffset>();
        for (var i = 0; i < recreations; i++)
        {
            // ecs-init's loop: remove the previous agent container, create and start a new one, it exits.
            dockerd.Docker("rm", "-f", "ecs-agent");
            var run = dockerd.Docker("run", "--name", "ecs-agent", "--network", "none", DockerdFixture.Image, "/bin/sh", "-c", $"echo attempt {i}; echo NoCredentialProviders >&2; exit 1");
            run.ExitCode.ShouldBe(1, run.Stderr + run.StartError); // docker run passes the container's exit status through
            created.Add(DateTimeOffset.Parse(DockerdFixture.Must(dockerd.Docker("inspect", "-f", "{{.Created}}", "ecs-agent")), CultureInfo.InvariantCulture));
            Thread.Sleep(1100);
        }
        // dockerd's data root is <dir>/data: a root whose daemon.json names it, so every read stays inside <dir>.
        Directory.CreateDirectory(Path.Combine(dockerd.Dir, "etc/docker"));
        File.WriteAllText(Path.Combine(dockerd.Dir, "etc/docker/daemon.json"), "{\"data-root\": \"/data\"}");
        var s = SnapshotCollector.Collect(new CollectionContext { Fs = new RootFileSystem(dockerd.Dir), ProcessRunner = new Live.RecordingRunner() });

        var evidence = s.Evidence.ShouldNotBeNull();
        var c = evidence.Containers.ShouldHaveSingleItem();
        output.WriteLine($"created {string.Join(", ", created.Select(t => t.ToString("O", CultureInfo.InvariantCulture)))}; evidence {c.Created:O}; last lines {string.Join(" | ", c.LastLines)}");
        c.Name.ShouldBe("ecs-agent");
        // Docker writes nanoseconds; .NET keeps 100 ns ticks (docker inspect's value rounded, the reader's truncated).
        c.Created.ShouldNotBeNull().ShouldBe(created[^1].ToUniversalTime(), TimeSpan.FromMicroseconds(1));
        c.Created.Value.ShouldBeGreaterThan(created[0]);
        c.LastLines.ShouldContain($"stdout: attempt {recreations - 1}");
        c.LastLines.ShouldContain("stderr: NoCredentialProviders");
        c.LogBytes.ShouldBeGreaterThan(0);
        s.Containers.Single(x => x.Name == "ecs-agent").Created.ShouldBe(c.Created);
    }
}
