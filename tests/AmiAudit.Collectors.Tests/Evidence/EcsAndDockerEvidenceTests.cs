using System.Text.Json;
using AmiAudit.Collectors.Evidence.Ecs;
using AmiAudit.Collectors.Tests.RootFs;

namespace AmiAudit.Collectors.Tests.Evidence;

public class EcsAndDockerEvidenceTests
{
    [Fact]
    public void Every_ecs_init_log_shape_counts_the_same()
    {
        // ecs-init/config/logger.go (≤2023) file format, 2024+ logfmt, the ANSI console variant, and either behind a syslog prefix.
        string[] shapes =
        [
            "2026-03-03T12:00:01Z [INFO] Starting Amazon Elastic Container Service Agent",
            "level=info time=2026-03-03T12:00:01Z msg=\"Starting Amazon Elastic Container Service Agent\"",
            "\u001b[46m[INFO]\u001b[49m Starting Amazon Elastic Container Service Agent",
            "Mar 03 12:00:01 ip-10-1-2-3 amazon-ecs-init[1842]: level=info time=2026-03-03T12:00:01Z msg=\"Starting Amazon Elastic Container Service Agent\"",
        ];
        foreach (var shape in shapes)
        {
            var log = new EcsLog();
            log.Add(AmiAudit.Collectors.Probes.Ena.KernelLogPrefix.Strip(shape).Message, null);
            log.Build([]).AgentStarts.ShouldBe(1, shape);
        }
        var exits = new EcsLog();
        exits.Add("2026-03-03T12:00:02Z [INFO] Agent exited with code 1", null);
        exits.Add("level=warn time=2026-03-03T12:00:02Z msg=\"ECS Agent failed to start, retrying in 521.8ms\"", null);
        exits.Add("level=error time=2026-03-03T12:00:03Z msg=\"agent exited with terminal exit code: 5\"", null);
        exits.Add("2019-08-01T12:00:00Z [ERROR] Unable to register as a container instance with ECS: NoCredentialProviders: no valid providers in chain", null);
        var built = exits.Build(["x"]);
        built.AgentExits.ShouldBe(1);
        built.ExitCodes["1"].ShouldBe(1);
        built.TerminalExits.ShouldBe(1);
        built.Errors.ShouldBe(2);
        built.TopErrors.ShouldContain(e => e.Contains("NoCredentialProviders", StringComparison.Ordinal));
    }

    [Fact]
    public void Ecs_init_log_files_with_hourly_rotations_are_read()
    {
        using var root = new TempRoot()
            .Write("/var/log/ecs/ecs-init.log.2026-03-03-12", string.Concat(Enumerable.Range(0, 30).Select(i =>
                $"level=info time=2026-03-03T12:{i * 2:00}:00Z msg=\"Starting Amazon Elastic Container Service Agent\"\nlevel=info time=2026-03-03T12:{i * 2:00}:01Z msg=\"Agent exited with code 1\"\n")))
            .Write("/var/log/ecs/ecs-init.log", string.Concat(Enumerable.Range(0, 30).Select(i =>
                $"level=info time=2026-03-03T13:{i * 2:00}:00Z msg=\"Starting Amazon Elastic Container Service Agent\"\nlevel=info time=2026-03-03T13:{i * 2:00}:01Z msg=\"Agent exited with code 1\"\n")))
            .Write("/var/log/ecs/ecs-agent.log", "level=error time=2026-03-03T13:58:00Z msg=\"Error registering container instance\" error=\"AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/node is not authorized\"\n");
        var s = DeadNodeRoot.Collect(root);
        var ecs = s.Evidence.ShouldNotBeNull().Ecs.ShouldNotBeNull();
        ecs.AgentStarts.ShouldBe(60);
        ecs.ExitCodes["1"].ShouldBe(60);
        ecs.RecreatesPerHour.ShouldBe(30.508); // 60 starts over 1 h 58 min
        ecs.Sources.ShouldBe(["/var/log/ecs/ecs-init.log.2026-03-03-12", "/var/log/ecs/ecs-init.log", "/var/log/ecs/ecs-agent.log"]);
        ecs.TopErrors.ShouldHaveSingleItem().ShouldStartWith("Error registering container instance");
        var agent = s.Containers.ShouldHaveSingleItem();
        agent.Name.ShouldBe("ecs-agent");
        agent.RecreatesInWindow.ShouldBe(60);
        agent.RestartsPerHour.ShouldBe(30.508);
        agent.OwnerUnit.ShouldBeNull(); // no ecs.service unit file in this root
    }

    [Fact]
    public void Docker_json_logs_give_the_tail_and_the_create_time()
    {
        const string id = "c6fdfc760921b2f0e6a1c77d3c1a6f1bd0b6e0b8b6a4f3d2c1e0f9a8b7c6d5e4";
        var lines = Enumerable.Range(0, 50).Select(i => JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["log"] = $"level=error msg=\"attempt {i}: NoCredentialProviders\" token=abc123secretvalue\n", ["stream"] = "stderr",
            ["time"] = $"2026-03-03T11:59:{i:00}.000000000Z",
        }));
        using var root = new TempRoot()
            .Write($"/var/lib/docker/containers/{id}/config.v2.json",
                "{\"ID\":\"" + id + "\",\"Name\":\"/ecs-agent\",\"Created\":\"2026-03-03T11:59:50.640013630Z\",\"Config\":{\"Image\":\"amazon/amazon-ecs-agent:latest\"}}")
            .Write($"/var/lib/docker/containers/{id}/hostconfig.json", """{"RestartPolicy":{"Name":"no"}}""")
            .Write($"/var/lib/docker/containers/{id}/{id}-json.log", string.Join('\n', lines) + "\n")
            .Write($"/var/lib/docker/containers/{id}/{id}-json.log.1", "{}\n");
        var s = DeadNodeRoot.Collect(root);
        var c = s.Evidence.ShouldNotBeNull().Containers.ShouldHaveSingleItem();
        c.Name.ShouldBe("ecs-agent");
        c.Image.ShouldBe("amazon/amazon-ecs-agent:latest");
        c.Created.ShouldBe(new DateTimeOffset(2026, 3, 3, 11, 59, 50, 640, TimeSpan.Zero).AddTicks(136));
        c.LastLines.Count.ShouldBe(5);
        c.LastLines[^1].ShouldStartWith("stderr: level=error msg=\"attempt 49: NoCredentialProviders\"");
        c.LastTime.ShouldBe(new DateTimeOffset(2026, 3, 3, 11, 59, 49, TimeSpan.Zero));
        c.LogBytes.ShouldBe(new FileInfo(root.Host($"/var/lib/docker/containers/{id}/{id}-json.log")).Length + 3);
        s.Containers.ShouldHaveSingleItem().Created.ShouldBe(c.Created);
        s.Evidence!.Timeline.ShouldContain(t => t.Source == "docker" && t.Event.StartsWith("container created", StringComparison.Ordinal));
    }
}
