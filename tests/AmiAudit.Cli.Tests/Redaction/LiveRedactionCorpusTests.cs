using System.Text;
using AmiAudit.Collectors.Tests.RealParts;

namespace AmiAudit.Cli.Tests.Redaction;

/// <summary>
/// The live half of the redaction corpus: a real dockerd holds a crash-looping container whose labels,
/// environment and command carry secrets (the Engine API returns them verbatim), and `probe` (×4 formats) and
/// `collect --live` read it. Same raw-bytes search as <see cref="RedactionCorpusTests"/>.
/// </summary>
[Trait("Category", "RealParts")]
public sealed class LiveRedactionCorpusTests : IClassFixture<DockerdFixture>, IDisposable
{
    private readonly DockerdFixture _docker;
    private readonly string _dir = Directory.CreateTempSubdirectory("amiaudit-live-corpus-").FullName;

    public LiveRedactionCorpusTests(DockerdFixture docker) => _docker = docker;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void No_secret_from_the_engine_api_reaches_probe_or_collect()
    {
        var s = new SecretCorpus(seed: 803);
        var name = "corpus-" + Guid.NewGuid().ToString("N")[..8];
        DockerdFixture.Must(_docker.Docker("run", "-d", "--name", name, "--restart", "always",
            "--label", $"com.example.api-key={s.LabelApiKey}", "--label", $"db.password={s.LabelPassword}",
            "--label", $"command=agent --token={s.FlagToken} --github {s.Ghp}", "--label", $"registry=https://deploy:{s.UrlPassword}@registry.example.com/v2/",
            "--label", $"jwt-header=Authorization: Bearer {s.Jwt}",
            "-e", $"DB_PASSWORD={s.EnvPassword}", "-e", $"GITLAB_TOKEN={s.GitLab}",
            DockerdFixture.Image, "sh", "-c", $"echo {s.SlackBot}; sleep 0.2; exit 1"));
        try
        {
            // Restarting for real, so the container is in the crash-loop verdicts too.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < deadline && DockerdFixture.Must(_docker.Docker("inspect", "-f", "{{.RestartCount}}", name)) is "0" or "1")
                Thread.Sleep(250);
            var inspect = DockerdFixture.Must(_docker.Docker("inspect", name));
            foreach (var v in new[] { s.LabelApiKey, s.LabelPassword, s.FlagToken, s.Ghp, s.UrlPassword, s.Jwt, s.EnvPassword, s.GitLab })
                inspect.ShouldContain(v, customMessage: "negative control: the Engine API hands the secret out");

            var host = CorpusRoot.SeedHost(Path.Combine(_dir, "host"), s);
            var root = CorpusRoot.Seed(Path.Combine(_dir, "root"), s);
            var env = new Dictionary<string, string> { ["DOCKER_HOST"] = "unix://" + _docker.SocketPath };
            var outDir = Directory.CreateDirectory(Path.Combine(_dir, "out")).FullName;
            var runs = new List<(string Label, CliHarness.Outcome Outcome)>();
            foreach (var format in new[] { "console", "json", "prometheus", "npd" })
                runs.Add(($"probe --format {format}", CliHarness.RunWith(env, "probe", "--window", "0s", "--host-root", host, "--kernel-log", Path.Combine(host, "kernel.log"),
                    "--format", format, "-o", Path.Combine(outDir, "probe." + format))));
            runs.Add(("collect --live", CliHarness.RunWith(env, "collect", "--live", "--root", root, "--host-root", host, "-o", Path.Combine(outDir, "live.json"))));
            foreach (var format in new[] { "console", "html" })
                runs.Add(($"diff (live snapshot) --format {format}", CliHarness.RunWith(env, "diff", "--root", root, Path.Combine(outDir, "live.json"), "--format", format, "-o", Path.Combine(outDir, "diff." + format))));

            foreach (var (label, o) in runs)
                new[] { 0, 1, 2 }.ShouldContain(o.ExitCode, $"{label}: exit {o.ExitCode}\n{o.Error}");
            // The container was seen (so its labels were rendered, redacted), in the probe JSON and the live snapshot.
            var probeJson = File.ReadAllText(Path.Combine(outDir, "probe.json"));
            probeJson.ShouldContain(name);
            probeJson.ShouldContain("\"com.example.api-key\": \"REDACTED\"");
            File.ReadAllText(Path.Combine(outDir, "live.json")).ShouldContain(name);

            var leaks = new List<string>();
            var outputs = runs.SelectMany(r => new[] { ($"{r.Label}: stdout", r.Outcome.Out), ($"{r.Label}: stderr", r.Outcome.Error) })
                .Select(x => (x.Item1, Encoding.UTF8.GetBytes(x.Item2)))
                .Concat(Directory.GetFiles(outDir).Select(f => ($"file {Path.GetFileName(f)}", File.ReadAllBytes(f))));
            foreach (var (where, bytes) in outputs)
                foreach (var secret in s.All)
                    foreach (var (form, pattern) in SecretCorpus.LeakForms(secret))
                        if (bytes.AsSpan().IndexOf(pattern) >= 0) leaks.Add($"{where}: {secret.Shape} ({form})");
            leaks.Distinct().ToList().ShouldBeEmpty();
        }
        finally
        {
            _docker.Docker("rm", "-f", name);
        }
    }
}
