using System.Text;
using AmiAudit.Core.Model;

namespace AmiAudit.Cli.Tests.Redaction;

/// <summary>
/// Issue 8, "a redaction corpus test": an image root seeded with every secret shape of defect 2 — in unit
/// ExecStart/ExecStartPre/Environment=, drop-ins, EnvironmentFile, container config (labels, env, image), user-data
/// and bootstrap scripts, cloud-init result/status errors, os-release, dpkg descriptions, kernel-log lines, policy
/// examples — run through every verb and every format, and the raw bytes of stdout, stderr and every output file
/// searched for each secret and its encoded forms (<see cref="SecretCorpus.LeakForms"/>).
/// </summary>
public sealed class RedactionCorpusTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("amiaudit-corpus-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void No_secret_reaches_any_verb_or_format()
    {
        var a = new SecretCorpus(seed: 801);
        var b = new SecretCorpus(seed: 802);
        var rootA = CorpusRoot.Seed(Path.Combine(_dir, "root-a"), a);
        var rootB = CorpusRoot.Seed(Path.Combine(_dir, "root-b"), b, finishedCloudInit: false); // status.json, not result.json
        var host = CorpusRoot.SeedHost(Path.Combine(_dir, "host"), a);
        var policy = CorpusRoot.WritePolicy(Path.Combine(_dir, "corpus-policy.yaml"), a);
        // Side B is a second root only (its host, kernel log and policy secrets are not written anywhere).
        var secrets = a.All.Concat(b.All.Where(x => x.Value != b.PolicyExampleToken && x.Value != b.KernelIfToken && x.Value != b.KernelVersionToken)).ToList();

        // Negative control: the inputs really hold every secret, so a redactor switched off fails this test.
        var inputs = InputBytes(rootA, rootB, host, policy);
        var missing = secrets.Where(s => !Contains(inputs, Encoding.UTF8.GetBytes(s.Value))).Select(s => s.Shape).ToList();
        missing.ShouldBeEmpty("secrets the seeded inputs do not hold (the corpus would prove nothing for them)");
        secrets.Count.ShouldBeGreaterThan(70);

        // Snapshots as an older amiaudit (or a hand) wrote them: unredacted, to prove the read path redacts too.
        var oldA = WriteRawSnapshot(Path.Combine(_dir, "old", "a.json"), a);
        var oldB = WriteRawSnapshot(Path.Combine(_dir, "old", "b.json"), b);

        var outDir = Directory.CreateDirectory(Path.Combine(_dir, "out")).FullName;
        var runs = new List<(string Label, CliHarness.Outcome Outcome)>();
        void Run(string label, params string[] args) => runs.Add((label, CliHarness.Run(args)));
        var policies = Path.Combine(CliHarness.RepoRoot, "policies");

        foreach (var format in new[] { "console", "json", "junit", "sarif", "markdown" })
        {
            Run($"scan --format {format}", "scan", "--root", rootA, "--policy", policies, "--policy", policy, "--format", format);
            Run($"scan --format {format} -o", "scan", "--root", rootA, "--policy", policies, "--policy", policy, "--format", format, "-o", Path.Combine(outDir, $"scan.{format}"));
        }
        Run("scan --snapshot (unredacted file)", "scan", "--snapshot", oldA, "--policy", policy, "--format", "json", "-o", Path.Combine(outDir, "scan-old.json"));
        Run("collect", "collect", "--root", rootA);
        Run("collect -o", "collect", "--root", rootA, "-o", Path.Combine(outDir, "collect-a.json"), "--label", $"deploy-token={a.LabelPassword}", "--label", $"note=key {a.ClientSecret}");
        foreach (var format in new[] { "console", "json", "markdown", "html" })
        {
            Run($"diff --format {format}", "diff", "--root", rootA, "--root", rootB, "--format", format);
            Run($"diff --format {format} -o", "diff", "--root", rootA, "--root", rootB, "--format", format, "-o", Path.Combine(outDir, $"diff.{format}"));
            Run($"diff old snapshots --format {format}", "diff", oldA, oldB, "--format", format, "-o", Path.Combine(outDir, $"diff-old.{format}"));
        }
        var kernelLog = Path.Combine(host, "kernel.log");
        foreach (var format in new[] { "console", "json", "prometheus", "npd" })
        {
            Run($"probe --format {format}", "probe", "--window", "0s", "--host-root", host, "--kernel-log", kernelLog, "--format", format);
            Run($"probe --format {format} -o", "probe", "--window", "0s", "--host-root", host, "--kernel-log", kernelLog, "--format", format, "-o", Path.Combine(outDir, $"probe.{format}"));
        }
        Run("policy test", "policy", "test", policy);
        Run("policy validate", "policy", "validate", policy);

        // Every run did its work (a verb that failed early would print nothing and prove nothing).
        foreach (var (label, o) in runs)
            new[] { 0, 1, 2 /* npd: unknown */ }.ShouldContain(o.ExitCode, $"{label}: exit {o.ExitCode}\n{o.Error}");
        var written = Directory.GetFiles(outDir);
        written.Length.ShouldBe(5 + 1 + 1 + 4 + 4 + 4);

        // The secret-bearing facts were rendered (redacted), not dropped: the outputs name them.
        var collect = runs.Single(r => r.Label == "collect").Outcome.Out;
        collect.ShouldContain("--token=REDACTED:");
        collect.ShouldContain("--discovery-token-ca-cert-hash sha256:");
        collect.ShouldContain("REDACTED@registry.example.com/team/agent");
        File.ReadAllText(Path.Combine(outDir, "diff.json")).ShouldContain("REDACTED");
        runs.Single(r => r.Label == "policy test").Outcome.Out.ShouldContain("FAIL");

        var leaks = new List<string>();
        var outputs = runs.SelectMany(r => new[] { ($"{r.Label}: stdout", Encoding.UTF8.GetBytes(r.Outcome.Out)), ($"{r.Label}: stderr", Encoding.UTF8.GetBytes(r.Outcome.Error)) })
            .Concat(written.Select(f => ($"file {Path.GetFileName(f)}", File.ReadAllBytes(f))));
        foreach (var (where, bytes) in outputs)
            foreach (var s in secrets)
                foreach (var (form, pattern) in SecretCorpus.LeakForms(s))
                    if (bytes.AsSpan().IndexOf(pattern) >= 0) leaks.Add($"{where}: {s.Shape} ({form})");
        leaks.Distinct().ToList().ShouldBeEmpty();
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    private static byte[] InputBytes(params string[] paths)
    {
        var all = new MemoryStream();
        foreach (var p in paths)
        {
            var files = File.Exists(p) ? [p] : Directory.GetFiles(p, "*", SearchOption.AllDirectories);
            foreach (var f in files.Where(f => new FileInfo(f).LinkTarget is null))
                all.Write(File.ReadAllBytes(f));
        }
        return all.ToArray();
    }

    /// <summary>The facts an unredacting amiaudit would have written for the corpus root.</summary>
    private static string WriteRawSnapshot(string path, SecretCorpus s)
    {
        var snapshot = new Snapshot
        {
            Target = new TargetInfo { Kind = "image-root", Hostname = "node", Labels = new(StringComparer.Ordinal) { ["deploy-token"] = s.FlagToken } },
            Os = new OsInfo { Id = "debian", PrettyName = $"Debian 12 {s.OsToken}" },
            Systemd = new SystemdFacts
            {
                Units =
                [
                    new UnitFact
                    {
                        Name = "agent.service", Type = "service", UnitFileState = "enabled", StartsAtBoot = true,
                        Description = $"Agent (auth token {s.DescriptionToken})",
                        ExecStart = [$"/usr/bin/agent --token={s.FlagToken} --bootstrap-token {s.JoinToken} {s.Ghp}"],
                        ExecStartPre = [$"/usr/bin/curl -H \"Authorization: Bearer {s.Bearer}\" https://deploy:{s.UrlPassword}@artifacts.example.com/x?X-Amz-Signature={s.Signature}"],
                        FailureMessage = $"401 for {s.GitLab}",
                    },
                ],
            },
            Containers =
            [
                new ContainerFact
                {
                    Name = "agent", Image = $"deploy:{s.ImagePassword}@registry.example.com/team/agent:1.4",
                    Labels = new(StringComparer.Ordinal) { ["com.example.api-key"] = s.LabelApiKey, ["command"] = $"agent --client-secret={s.ClientSecret}" },
                },
            ],
            Bootstrap = new BootstrapFacts { CloudInit = new CloudInitOutcome { Status = "error", Errors = [$"kubeadm join failed with token {s.CloudInitToken}", s.Jwt] } },
            Diagnostics = [new Diagnostic { Source = "x", Code = "y", Message = $"AKIA seen: {s.KeyId}" }],
        };
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var json = SnapshotJson.SerializeSorted(snapshot, SnapshotJson.Options); // no redaction on this path
        json.ShouldContain(s.Ghp);
        File.WriteAllText(path, json);
        return path;
    }
}
