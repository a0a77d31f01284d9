using AmiAudit.Cli.Infrastructure;
using static AmiAudit.Cli.Tests.Io.CliFixtures;

namespace AmiAudit.Cli.Tests.Io;

/// <summary>
/// Issue 8, defect 10, with the real failures: a read-only file system, a full one and a directory the user
/// may not write, were exit 70 "internal error … This is a bug". They are exit 74 with one line, and nothing is
/// left behind. As root a chmod'ed directory is still writable, so the file systems are real tmpfs mounts in a
/// private mount namespace (unshare -m: nothing leaks to the host) and the permission case runs as nobody.
/// </summary>
[Trait("Category", "RealParts")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class OutputErrorProcessTests
{
    /// <summary>sh script run by <c>unshare -m</c>: mount, seed a previous output, run amiaudit ("$0" "$@"),
    /// then show what the directory holds — the mount is gone once the namespace ends.</summary>
    private static CliProcess.Result InMountNamespace(string mountOptions, string dir, string[] args) =>
        CliProcess.Run(
            ["unshare", "-m", "sh", "-c",
             $"mount -t tmpfs -o {mountOptions} tmpfs '{dir}' || exit 99; " +
             "\"$0\" \"$@\"; rc=$?; echo \"--- entries\"; ls -A '" + dir + "'; echo \"--- previous\"; cat '" + dir + "/previous.out' 2>/dev/null; exit $rc"],
            args, TimeSpan.FromSeconds(60));

    [Fact]
    public void A_read_only_file_system_is_exit_74_with_one_line()
    {
        var dir = Temp("ro");
        var output = Path.Combine(dir, "report.json");
        var r = InMountNamespace("ro,size=1m", dir, ["scan", "--snapshot", DlamiSnapshot, "--format", "json", "-o", output]);
        r.ExitCode.ShouldBe(ExitCodes.IoError, r.Error);
        r.Error.ShouldBe($"amiaudit: cannot write {output}: read-only file system\n");
        r.Out.ShouldBe("--- entries\n--- previous\n");
    }

    [Fact]
    public void A_full_file_system_is_exit_74_and_keeps_the_previous_output_and_no_temp_file()
    {
        var dir = Temp("enospc");
        var output = Path.Combine(dir, "previous.out");
        // 16 KiB of tmpfs: the previous output takes one page, the 40 KiB report cannot fit.
        var r = CliProcess.Run(
            ["unshare", "-m", "sh", "-c",
             $"mount -t tmpfs -o size=16k tmpfs '{dir}' || exit 99; echo previous > '{output}'; " +
             "\"$0\" \"$@\"; rc=$?; echo \"--- entries\"; ls -A '" + dir + "'; echo \"--- previous\"; cat '" + output + "'; exit $rc"],
            ["scan", "--snapshot", DlamiSnapshot, "--format", "json", "-o", output], TimeSpan.FromSeconds(60));
        r.ExitCode.ShouldBe(ExitCodes.IoError, r.Error);
        r.Error.ShouldBe($"amiaudit: cannot write {output}: no space left on device\n");
        r.Out.ShouldBe("--- entries\nprevious.out\n--- previous\nprevious\n");
    }

    [Fact]
    public void A_directory_the_user_may_not_write_is_exit_74()
    {
        var dir = Temp("eacces");
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                                  | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var output = Path.Combine(dir, "report.json");
        var snapshot = Path.Combine(dir, "s.json");
        File.Copy(DlamiSnapshot, snapshot);
        File.SetUnixFileMode(snapshot, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var r = CliProcess.Run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"],
            ["scan", "--snapshot", snapshot, "--format", "json", "-o", output], TimeSpan.FromSeconds(60),
            new Dictionary<string, string> { ["HOME"] = "/tmp", ["DOTNET_CLI_HOME"] = "/tmp" });
        r.ExitCode.ShouldBe(ExitCodes.IoError, r.Error);
        r.Error.ShouldBe($"amiaudit: cannot write {output}: permission denied\n");
        Nodes.Entries(dir).ShouldBe(["s.json"]);
    }
}
