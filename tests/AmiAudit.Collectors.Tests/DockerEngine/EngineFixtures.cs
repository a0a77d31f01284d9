namespace AmiAudit.Collectors.Tests.DockerEngine;

/// <summary>node-facts 7.8 bodies, verbatim, plus an event generator for loops.</summary>
public static class EngineFixtures
{
    public const string EcsAgentId = "c6fdfc760921b2f0e6a1c77d3c1a6f1bd0b6e0b8b6a4f3d2c1e0f9a8b7c6d5e4";

    public const string ContainerList = """
        [{"Id":"c6fdfc760921b2f0e6a1c77d3c1a6f1bd0b6e0b8b6a4f3d2c1e0f9a8b7c6d5e4",
          "Names":["/ecs-agent"],
          "Image":"amazon/amazon-ecs-agent:latest",
          "ImageID":"sha256:5b0a1f8e3f2d4c6b8a9e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a",
          "Command":"/agent",
          "Created":1772539190,
          "Ports":[],
          "Labels":{},
          "State":"running",
          "Status":"Up 10 seconds",
          "HostConfig":{"NetworkMode":"host"},
          "NetworkSettings":{"Networks":{"host":{}}},
          "Mounts":[]}]
        """;

    public const string Inspect = """
        {"Id":"c6fdfc760921b2f0e6a1c77d3c1a6f1bd0b6e0b8b6a4f3d2c1e0f9a8b7c6d5e4",
         "Created":"2026-03-03T11:59:50.640013630Z",
         "Path":"/agent","Args":[],
         "State":{"Status":"exited","Running":false,"Paused":false,"Restarting":false,"OOMKilled":false,"Dead":false,"Pid":0,"ExitCode":5,"Error":"",
                  "StartedAt":"2026-03-03T11:59:51.012345678Z","FinishedAt":"2026-03-03T11:59:53.998877665Z"},
         "Image":"sha256:5b0a1f8e3f2d4c6b8a9e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a",
         "Name":"/ecs-agent","RestartCount":0,
         "HostConfig":{"NetworkMode":"host","RestartPolicy":{"Name":"no","MaximumRetryCount":0}},
         "Config":{"Image":"amazon/amazon-ecs-agent:latest","Labels":{}}}
        """;

    public const string Events = """
        {"Type":"container","Action":"create","Actor":{"ID":"c6fdfc76...","Attributes":{"image":"amazon/amazon-ecs-agent:latest","name":"ecs-agent"}},"scope":"local","time":1772539190,"timeNano":1772539190640013630}
        {"Type":"container","Action":"start","Actor":{"ID":"c6fdfc76...","Attributes":{"image":"amazon/amazon-ecs-agent:latest","name":"ecs-agent"}},"scope":"local","time":1772539191,"timeNano":1772539191012345678}
        {"Type":"container","Action":"die","Actor":{"ID":"c6fdfc76...","Attributes":{"execDuration":"2","exitCode":"5","image":"amazon/amazon-ecs-agent:latest","name":"ecs-agent"}},"scope":"local","time":1772539193,"timeNano":1772539193998877665}
        {"Type":"container","Action":"destroy","Actor":{"ID":"c6fdfc76...","Attributes":{"image":"amazon/amazon-ecs-agent:latest","name":"ecs-agent"}},"scope":"local","time":1772539204,"timeNano":1772539204100000000}
        """;

    public const string Legacy = """{"status":"die","id":"c6fdfc76...","from":"amazon/amazon-ecs-agent:latest","Type":"container","Action":"die","Actor":{"ID":"c6fdfc76...","Attributes":{"name":"ecs-agent"}},"time":1772539193}""";

    /// <summary>ecs-init's loop: each cycle a new ID, create/start/die/destroy, <paramref name="period"/> apart.</summary>
    public static string RecreateLoop(string name, int cycles, long startUnix, int period) =>
        string.Join('\n', Enumerable.Range(0, cycles).SelectMany(i =>
        {
            var id = $"{i:x4}".PadRight(64, 'a');
            var t = startUnix + (long)i * period;
            return new[] { ("create", t), ("start", t), ("die", t + 1), ("destroy", t + 1) }
                .Select(e => $$$"""{"Type":"container","Action":"{{{e.Item1}}}","Actor":{"ID":"{{{id}}}","Attributes":{"image":"amazon/amazon-ecs-agent:latest","name":"{{{name}}}"}},"scope":"local","time":{{{e.Item2}}},"timeNano":{{{e.Item2 * 1_000_000_000}}}}""");
        })) + "\n";
}
