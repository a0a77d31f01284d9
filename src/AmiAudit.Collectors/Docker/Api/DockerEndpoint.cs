using AmiAudit.Collectors.RootFs;

namespace AmiAudit.Collectors.Docker.Api;

/// <summary>Which socket to talk to: <c>DOCKER_HOST</c> when it names a unix socket, else
/// <c>&lt;host root&gt;/var/run/docker.sock</c>.</summary>
public sealed record DockerEndpoint(string? SocketPath, string? Problem)
{
    public static DockerEndpoint Resolve(IReadOnlyDictionary<string, string> environment, string hostRoot)
    {
        if (environment.TryGetValue("DOCKER_HOST", out var host) && !string.IsNullOrWhiteSpace(host))
        {
            host = host.Trim();
            // DOCKER_HOST is a path on the auditor's machine (as for the docker CLI), not re-rooted.
            if (host.StartsWith("unix://", StringComparison.Ordinal) && host.Length > "unix://".Length)
                return new DockerEndpoint(host["unix://".Length..], null);
            var scheme = host.Contains("://", StringComparison.Ordinal) ? host[..host.IndexOf("://", StringComparison.Ordinal)] : host;
            return new DockerEndpoint(null, $"DOCKER_HOST scheme '{scheme}' is not supported (only unix://)");
        }
        // /var/run is a symlink to /run on most hosts, and an absolute one: under /host it must be
        // re-rooted, or we would talk to the pod's own /run.
        var fs = new RootFileSystem(hostRoot);
        var inRoot = fs.Resolve("/var/run/docker.sock") ?? "/var/run/docker.sock";
        return new DockerEndpoint(fs.ToHost(inRoot), null);
    }
}
