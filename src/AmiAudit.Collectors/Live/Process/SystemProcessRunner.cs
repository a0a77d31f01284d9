using System.Diagnostics;
using System.Text;

namespace AmiAudit.Collectors.Live.Process;

/// <summary>
/// Starts real processes. Stdin is closed at once (no command may wait for input), stdout and
/// stderr are read concurrently (a full stderr pipe cannot deadlock a big stdout), output past the
/// cap is drained and dropped, and on timeout the whole process tree is killed — nsenter forks
/// its command, so killing only nsenter would leave the child running.
/// </summary>
public sealed class SystemProcessRunner : IProcessRunner
{
    private const int MaxStderrBytes = 64 * 1024;

    public static SystemProcessRunner Instance { get; } = new();

    public ProcessResult Run(ProcessRequest request)
    {
        var psi = new ProcessStartInfo(request.FileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in request.Arguments) psi.ArgumentList.Add(a);
        foreach (var (k, v) in request.Environment) psi.Environment[k] = v;

        var watch = Stopwatch.StartNew();
        using var process = new System.Diagnostics.Process { StartInfo = psi };
        try
        {
            if (!process.Start()) return new ProcessResult { StartError = "process did not start", Elapsed = watch.Elapsed };
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return new ProcessResult { StartError = e.Message, Elapsed = watch.Elapsed };
        }

        try { process.StandardInput.Close(); } catch (IOException) { /* child already gone */ }
        var stdout = ReadCappedAsync(process.StandardOutput.BaseStream, request.MaxOutputBytes);
        var stderr = ReadCappedAsync(process.StandardError.BaseStream, MaxStderrBytes);

        var exited = process.WaitForExit(request.Timeout);
        if (!exited)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { /* exited meanwhile */ }
            process.WaitForExit(TimeSpan.FromSeconds(2));
        }
        // Pipes close when the last writer exits; a grandchild that kept them open must not hang us.
        var drained = Task.WaitAll([stdout, stderr], exited ? request.Timeout : TimeSpan.FromSeconds(2));
        var (outText, truncated) = drained || stdout.IsCompletedSuccessfully ? stdout.Result : ("", false);
        var (errText, _) = stderr.IsCompletedSuccessfully ? stderr.Result : ("", false);
        return new ProcessResult
        {
            ExitCode = exited ? process.ExitCode : null,
            TimedOut = !exited,
            Stdout = outText,
            Stderr = errText,
            OutputTruncated = truncated,
            Elapsed = watch.Elapsed,
        };
    }

    private static async Task<(string Text, bool Truncated)> ReadCappedAsync(Stream stream, int cap)
    {
        var kept = new MemoryStream();
        var buffer = new byte[64 * 1024];
        var truncated = false;
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                var room = cap - (int)kept.Length;
                if (room > 0) kept.Write(buffer, 0, Math.Min(room, n));
                if (n > room) truncated = true;
            }
        }
        catch (IOException) { /* pipe torn down by a kill: keep what we have */ }
        catch (ObjectDisposedException) { }
        return (Encoding.UTF8.GetString(kept.GetBuffer(), 0, (int)kept.Length), truncated);
    }
}
