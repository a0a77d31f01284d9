using System.Diagnostics;
using System.Text.Json.Nodes;
using AmiAudit.Cli.Infrastructure;

namespace AmiAudit.Cli.Tests;

/// <summary>
/// Issue 8, defect 3: a broken drop-in on the enabled ecs.service of the incident image must not
/// turn `scan --fail-on critical` from exit 1 into exit 0. The link in multi-user.target.wants is
/// still there, so the unit still starts at boot and ECS-001 still fails.
/// </summary>
public sealed class BrokenDropInGateTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("amiaudit-dropin-gate-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string CopyOfDlami()
    {
        var root = Path.Combine(_dir, "root");
        // cp -a keeps the symlinks (multi-user.target.wants/ecs.service) as symlinks.
        using var cp = Process.Start("cp", ["-a", CliHarness.Example("dlami-root"), root])!;
        cp.WaitForExit();
        cp.ExitCode.ShouldBe(0);
        return root;
    }

    private const string DropIn = "etc/systemd/system/ecs.service.d/05-broken.conf";

    [Theory]
    [InlineData("dangling")]
    [InlineData("fifo")]
    [InlineData("directory")]
    public void A_broken_drop_in_on_the_enabled_ecs_service_still_fails_the_gate(string kind)
    {
        var root = CopyOfDlami();
        var path = Path.Combine(root, DropIn);
        switch (kind)
        {
            case "dangling": File.CreateSymbolicLink(path, "/nonexistent"); break;
            case "fifo":
                using (var p = Process.Start("mkfifo", [path])!) p.WaitForExit();
                break;
            case "directory": Directory.CreateDirectory(path); break;
        }

        var r = CliHarness.Run("scan", "--root", root, "--fail-on", "critical", "--format", "json");

        r.ExitCode.ShouldBe(ExitCodes.GateFailed, r.Error);
        var ecs = JsonNode.Parse(r.Out)!["findings"]!.AsArray()
            .Single(f => (string?)f!["ruleId"] == "ECS-001" && (string?)f["subject"] == "ecs.service")!;
        ((string?)ecs["status"]).ShouldBe("fail");
        ((string?)ecs["evidence"]!["startsAtBoot"]).ShouldBe("true");
    }

    [Fact]
    public void The_snapshot_keeps_the_unit_and_says_what_could_not_be_read()
    {
        var root = CopyOfDlami();
        File.CreateSymbolicLink(Path.Combine(root, DropIn), "/nonexistent");
        var r = CliHarness.Run("collect", "--root", root);
        r.ExitCode.ShouldBe(ExitCodes.Passed, r.Error);
        var ecs = JsonNode.Parse(r.Out)!["systemd"]!["units"]!.AsArray().Single(u => (string?)u!["name"] == "ecs.service")!;
        ((string?)ecs["unitFileState"]).ShouldBe("bad"); // what systemctl --root list-unit-files says
        ((bool?)ecs["startsAtBoot"]).ShouldBe(true);
        ((string?)ecs["fragmentPath"]).ShouldBe("/lib/systemd/system/ecs.service");
        ecs["execStart"]!.AsArray().Select(x => (string?)x).ShouldBe(["/usr/libexec/amazon-ecs-init start"]);
        ecs["loadErrors"]!.AsArray().Select(x => (string)x!).ShouldContain(e => e.Contains("05-broken.conf", StringComparison.Ordinal));
    }
}

/// <summary>
/// The third shape of defect 3: a drop-in the auditor cannot read because it runs unprivileged
/// (systemd, as root, would). The published CLI is run as nobody (setpriv), as a CI job would run it.
/// </summary>
[Trait("Category", "RealParts")]
public sealed class UnreadableDropInGateTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("amiaudit-dropin-nobody-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void An_unreadable_drop_in_still_fails_the_gate_when_run_unprivileged()
    {
        var root = Path.Combine(_dir, "root");
        Run("cp", "-a", CliHarness.Example("dlami-root"), root).Code.ShouldBe(0);
        var dropIn = Path.Combine(root, "etc/systemd/system/ecs.service.d/05-secret.conf");
        File.WriteAllText(dropIn, "[Service]\nEnvironment=TOKEN=x\n");
        if (!OperatingSystem.IsLinux()) return;
        File.SetUnixFileMode(dropIn, UnixFileMode.None);
        File.SetUnixFileMode(_dir, (UnixFileMode)0b111_101_101); // nobody may enter the temp dir, not read the drop-in

        var cli = typeof(AmiAudit.Cli.Program).Assembly.Location;
        var (code, stdout, stderr) = Run("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--",
            "env", $"HOME={_dir}", "DOTNET_CLI_TELEMETRY_OPTOUT=1", "dotnet", cli, "scan", "--root", root, "--fail-on", "critical", "--format", "json");

        code.ShouldBe(ExitCodes.GateFailed, stderr);
        var ecs = JsonNode.Parse(stdout)!["findings"]!.AsArray().Single(f => (string?)f!["ruleId"] == "ECS-001" && (string?)f["subject"] == "ecs.service")!;
        ((string?)ecs["status"]).ShouldBe("fail");
    }

    private static (int Code, string Stdout, string Stderr) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output, err.Result);
    }
}
