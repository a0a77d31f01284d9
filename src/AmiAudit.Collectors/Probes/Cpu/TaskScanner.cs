using System.Globalization;
using System.Text;

namespace AmiAudit.Collectors.Probes.Cpu;

/// <summary>Reads every /proc/[pid]/task/[tid]/stat; processes that vanish mid-scan are skipped.</summary>
internal static class TaskScanner
{
    public sealed record TaskSample(int Pid, TaskStat Stat);

    public static Dictionary<int, TaskSample> Scan(HostPaths host)
    {
        var result = new Dictionary<int, TaskSample>();
        var buffer = new byte[4096];
        IEnumerable<string> pids;
        try
        {
            pids = Directory.EnumerateDirectories(host.Resolve("proc"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return result;
        }
        foreach (var pidDir in pids)
        {
            if (!int.TryParse(Path.GetFileName(pidDir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            IEnumerable<string> tasks;
            try
            {
                tasks = Directory.Exists(Path.Combine(pidDir, "task"))
                    ? Directory.GetDirectories(Path.Combine(pidDir, "task"))
                    : [pidDir];
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            foreach (var taskDir in tasks)
            {
                var line = ReadSmall(Path.Combine(taskDir, "stat"), buffer);
                if (line is null || TaskStatParser.Parse(line) is not { } stat) continue;
                result[stat.Id] = new TaskSample(pid, stat);
            }
        }
        return result;
    }

    private static string? ReadSmall(string path, byte[] buffer)
    {
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
            var n = fs.Read(buffer, 0, buffer.Length);
            return Encoding.UTF8.GetString(buffer, 0, n);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
