using AmiAudit.Collectors.Bootstrap;
using AmiAudit.Collectors.Docker;
using AmiAudit.Collectors.Os;
using AmiAudit.Collectors.Packages;
using AmiAudit.Collectors.RootFs;
using AmiAudit.Core.Urls;
using AmiAudit.Fuzz.Engine;

namespace AmiAudit.Fuzz.Targets;

/// <summary>Files collectors read from an image root: each input is written into a scratch root and the
/// collector runs on it through RootFileSystem, as `collect --root` would.</summary>
internal static class BootstrapTargets
{
    private static readonly string[] JsonTokens =
        ["{", "}", "[", "]", "\"", "\":", ",", "null", "true", "false", "0", "-1", "1e999", "\"\\u0000\"", "\"\\ud800\"", "\\", "{\"v1\":", "\"errors\":[",
         "\"datasource\":", "[[[[[[[[", "{\"a\":{\"a\":{\"a\":", "/*", "//", "\u00a0"];

    public static FuzzTarget CloudInitResult => InRoot("cloud-init-result", "cloud-init result.json", "/var/lib/cloud/data/result.json",
        [], JsonTokens, root => CloudInitOutcomeReader.Read(new RootFileSystem(root), "bootstrap"));

    public static FuzzTarget CloudInitStatus => InRoot("cloud-init-status", "cloud-init status.json", "/run/cloud-init/status.json",
        [], [.. JsonTokens, "\"init\":", "\"modules-final\":", "\"stage\":", "\"recoverable_errors\":{"], root => CloudInitOutcomeReader.Read(new RootFileSystem(root), "bootstrap"));

    private const string Container = "/var/lib/docker/containers/c6fdfc760921b2f0e6a1c77d3c1a6f1bd0b6e0b8b6a4f3d2c1e0f9a8b7c6d5e4";

    public static FuzzTarget DockerConfig => InRoot("docker-config", "Docker config.v2.json", Container + "/config.v2.json",
        [Container + "/config.v2.json"], [.. JsonTokens, "\"Config\":", "\"Labels\":", "\"Image\":", "\"Name\":", "\"ID\":"],
        root => SystemdTargets.Collect(new OnDiskDockerCollector(), root));

    public static FuzzTarget DockerHostConfig => InRoot("docker-hostconfig", "Docker hostconfig.json", Container + "/hostconfig.json",
        [Container + "/hostconfig.json"], [.. JsonTokens, "\"RestartPolicy\":", "\"Name\":\"always\"", "\"MaximumRetryCount\":"],
        root =>
        {
            Scratch.Write(root, Container + "/config.v2.json", Corpus.Repo("examples/dlami-root" + Container + "/config.v2.json").Single());
            SystemdTargets.Collect(new OnDiskDockerCollector(), root);
        });

    public static FuzzTarget DockerDaemonJson => InRoot("docker-daemon-json", "/etc/docker/daemon.json", "/etc/docker/daemon.json",
        [], [.. JsonTokens, "\"data-root\":", "\"graph\":", "\"/var/lib/docker\"", "\"/../..\""],
        root => SystemdTargets.Collect(new OnDiskDockerCollector(), root),
        extraSeeds: [Corpus.Text("{\"data-root\": \"/var/lib/docker\", \"log-driver\": \"json-file\"}"), Corpus.Text("{\"graph\": \"/mnt/docker\"}")]);

    /// <summary>The whole bootstrap collector on user-data: MIME split, base64/quoted-printable parts,
    /// shell variables, URL extraction and redaction, systemctl enable/start detection.</summary>
    public static FuzzTarget UserData => InRoot("user-data", "user-data (MIME multipart, cloud-config, scripts) through BootstrapCollector",
        "/var/lib/cloud/instance/user-data.txt", ["/var/lib/cloud/instance/user-data.txt", "/etc/eks/bootstrap.sh", "/usr/local/bin/node-bootstrap.sh"],
        ["Content-Type: multipart/mixed; boundary=\"B\"\n", "\n--B\n", "\n--B--\n", "Content-Transfer-Encoding: base64\n", "Content-Transfer-Encoding: quoted-printable\n",
         "=3D", "=\n", "#!/bin/bash\n", "#cloud-config\n", "#include\n", "curl -fsSL ", "https://", "s3://", "$BASE", "${V}", "${V:-x}", "export ", "=\"", "systemctl enable --now ",
         "systemctl start ", ".service", "\\\n", "'", "\"", "`", "$(", "?X-Amz-Signature=", "user:pass@", "%2F", "AKIAIOSFODNN7EXAMPLE"],
        root => SystemdTargets.Collect(new BootstrapCollector(), root));

    /// <summary>The URL extractor and shell-variable expansion alone (fast, so more of the input space per second).</summary>
    public static FuzzTarget Urls => new()
    {
        Name = "urls",
        Parses = "URLs and shell variables in scripts (UrlExtractor, ShellVariables, UserDataParts, SystemctlStarts)",
        Seeds = () => Corpus.Of(Corpus.Repo("examples/dlami-root/var/lib/cloud/instance/user-data.txt", "examples/dlami-root/etc/eks/bootstrap.sh",
            "examples/dlami-root/usr/local/bin/node-bootstrap.sh"), Corpus.Own("user-data")),
        Tokens = ["https://", "http://", "s3://", "$BASE", "${V}", "${V%/*}", "${V:-https://x}", "=", "\"", "'", "?", "&", "#", "%", "%2", "@", ":", "[", "]",
                  "X-Amz-Credential=", "amazonaws.com/", ".s3.", "s3.amazonaws.com", "/bin/linux/amd64/kubelet", "systemctl enable ", "--now "],
        Run = input =>
        {
            var text = Text.Of(input);
            UrlExtractor.Extract(text, "fuzz", 1);
            var lines = text.Split('\n');
            var vars = ShellVariables.FromLines(lines);
            foreach (var line in lines.Take(2000)) vars.Expand(line, 1);
            foreach (var part in UserDataParts.Split(text)) UserDataParts.Sniff(part.Text);
            SystemctlStarts.Find(text);
        },
    };

    public static FuzzTarget OsRelease => InRoot("os-release", "os-release(5) through OsCollector", "/etc/os-release", ["/etc/os-release"],
        ["=", "\"", "'", "\\", "$", "`", "ID=", "VERSION_ID=", "PRETTY_NAME=", "\n#"], root => SystemdTargets.Collect(new OsCollector(), root));

    public static FuzzTarget DpkgStatus => InRoot("dpkg-status", "/var/lib/dpkg/status through PackageCollector (ReadLines, DpkgStatusParser)", "/var/lib/dpkg/status",
        ["/var/lib/dpkg/status"], ["\nPackage: ", "\nStatus: install ok installed", "\nStatus: deinstall ok config-files", "\nVersion: ", "\nArchitecture: amd64", "\n\n", " ", ":", "\n "],
        root => SystemdTargets.Collect(new PackageCollector(), root));

    /// <summary>Writes the input at <paramref name="inRoot"/> of a scratch root, then runs <paramref name="collect"/> on the root.</summary>
    private static FuzzTarget InRoot(string name, string parses, string inRoot, string[] exampleSeeds, string[] tokens, Action<string> collect, byte[][]? extraSeeds = null) => new()
    {
        Name = name,
        Parses = parses,
        Seeds = () => Corpus.Of(Corpus.Repo([.. exampleSeeds.Select(p => "examples/dlami-root" + p)]), Corpus.Own(name), extraSeeds ?? []),
        Tokens = tokens,
        Run = input =>
        {
            var root = Scratch.Root(name);
            Scratch.Write(root, inRoot, input);
            collect(root);
        },
    };
}
