using System.Diagnostics;
using System.Runtime.InteropServices;

namespace AmiAudit.Cli.Tests.Io;

/// <summary>
/// Runs the real <c>amiaudit</c> process: the Debug apphost built beside the tests, or the NativeAOT binary when
/// AMIAUDIT_AOT_BIN is set (scripts/test.sh publishes it). Signals, mount namespaces and other users cannot be
/// tested in-process. Every wait has a timeout, so a regression that hangs fails instead of hanging the suite.
/// </summary>
public static class CliProcess
{
    public sealed record Result(int ExitCode, string Out, string Error, TimeSpan Elapsed);

    public static string Binary =>
        Environment.GetEnvironmentVariable("AMIAUDIT_AOT_BIN") is { Length: > 0 } aot ? aot : Path.Combine(AppContext.BaseDirectory, "amiaudit");

    public static bool IsNativeAot => Environment.GetEnvironmentVariable("AMIAUDIT_AOT_BIN") is { Length: > 0 };

    /// <summary>Runs <c>prefix… amiaudit args…</c> (prefix e.g. <c>setpriv --reuid 65534 …</c>) to completion.</summary>
    public static Result Run(string[] prefix, string[] args, TimeSpan? timeout = null, IReadOnlyDictionary<string, string>? env = null, string? cwd = null)
    {
        using var running = Start(prefix, args, env, cwd);
        return running.Wait(timeout ?? TimeSpan.FromSeconds(60));
    }

    public static Running Start(string[] prefix, string[] args, IReadOnlyDictionary<string, string>? env = null, string? cwd = null)
    {
        var command = prefix.Length > 0 ? prefix[0] : Binary;
        var psi = new ProcessStartInfo(command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = cwd ?? Directory.GetCurrentDirectory(),
        };
        foreach (var a in prefix.Skip(1)) psi.ArgumentList.Add(a);
        if (prefix.Length > 0) psi.ArgumentList.Add(Binary);
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in CliHarness.PinnedEnvironment()) psi.Environment[k] = v;
        psi.Environment.Remove("AMIAUDIT_TRACE");
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        return new Running(Process.Start(psi)!);
    }

    public sealed class Running : IDisposable
    {
        private readonly Process _process;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly System.Text.StringBuilder _err = new();
        private readonly Task<string> _out;
        private readonly object _gate = new();

        internal Running(Process process)
        {
            _process = process;
            _process.StandardInput.Close();
            _out = _process.StandardOutput.ReadToEndAsync();
            _process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                lock (_gate)
                {
                    _err.Append(e.Data).Append('\n');
                    Monitor.PulseAll(_gate);
                }
            };
            _process.BeginErrorReadLine();
        }

        public int Pid => _process.Id;

        /// <summary>Waits until stderr contains <paramref name="marker"/> (e.g. an AMIAUDIT_TRACE phase).</summary>
        public void WaitForError(string marker, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            lock (_gate)
            {
                while (!_err.ToString().Contains(marker, StringComparison.Ordinal))
                {
                    if (DateTime.UtcNow > deadline)
                        throw new TimeoutException($"'{marker}' not seen on stderr within {timeout} (exited: {_process.HasExited}); stderr so far:\n{_err}");
                    Monitor.Wait(_gate, 100);
                }
            }
        }

        /// <summary>Sends a signal (2 = SIGINT, 15 = SIGTERM) and returns when it was sent.</summary>
        public void Signal(int signal)
        {
            if (Kill(_process.Id, signal) != 0) throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }

        public Result Wait(TimeSpan timeout)
        {
            if (!_process.WaitForExit(timeout))
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
                throw new TimeoutException($"amiaudit did not finish within {timeout}; stderr:\n{Error}");
            }
            _process.WaitForExit(); // drains the async stderr reader
            var elapsed = _clock.Elapsed;
            return new Result(_process.ExitCode, _out.Result, Error, elapsed);
        }

        private string Error
        {
            get { lock (_gate) return _err.ToString(); }
        }

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.Dispose();
        }
    }

#pragma warning disable SYSLIB1054 // a plain int signature needs no marshalling
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
#pragma warning restore SYSLIB1054
}

/// <summary>Helpers for odd file types the tests create (mknod, mkfifo) and inspect.</summary>
public static class Nodes
{
    public static void MakeFifo(string path) => Tool("mkfifo", path);

    /// <summary>A character device like /dev/null (1,3) or /dev/zero (1,5), made inside a temp dir so the real one is never at risk.</summary>
    public static void MakeCharDevice(string path, int major, int minor) => Tool("mknod", path, "c", major.ToString(System.Globalization.CultureInfo.InvariantCulture), minor.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>"character special file", "fifo", "regular file" (stat -c %F, without following links).</summary>
    public static string Kind(string path) => Tool("stat", "-c", "%F", path).Trim();

    public static string Tool(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(30))) { p.Kill(true); throw new TimeoutException($"{file} {string.Join(' ', args)}"); }
        p.ExitCode.ShouldBe(0, $"{file} {string.Join(' ', args)}: {stderr.Result}");
        return stdout.Result;
    }

    public static void HardLink(string existing, string link)
    {
        if (Link(existing, link) != 0) throw new IOException($"link({existing}, {link}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

#pragma warning disable SYSLIB1054 // string marshalling without AllowUnsafeBlocks
    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int Link([MarshalAs(UnmanagedType.LPUTF8Str)] string existing, [MarshalAs(UnmanagedType.LPUTF8Str)] string link);
#pragma warning restore SYSLIB1054

    /// <summary>Every entry of a directory (names only), for "no temp file left behind".</summary>
    public static string[] Entries(string dir) => Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
}
