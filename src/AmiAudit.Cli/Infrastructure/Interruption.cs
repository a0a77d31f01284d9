using System.Runtime.InteropServices;

namespace AmiAudit.Cli.Infrastructure;

/// <summary>The verb was stopped by SIGINT or SIGTERM; Program exits <see cref="Interruption.ExitCode"/> (130 / 143).</summary>
public sealed class InterruptedException(string signal) : OperationCanceledException($"interrupted by {signal}");

/// <summary>
/// SIGINT / SIGTERM: stop promptly, exit 130 / 143, leave the previous output untouched and no temp file behind.
/// Two mechanisms, because neither alone is enough:
/// <list type="number">
/// <item>a <see cref="Token"/> the cheap places check (between collectors, the probe's sampling sleep, every
/// diff file, before an output is renamed) — the normal, clean stop;</item>
/// <item>a watchdog: if the verb has not stopped <see cref="GracePeriod"/> after the signal (inside a collector,
/// a blocking read), the registered temp files are deleted and the process exits at once.</item>
/// </list>
/// Temp files are created and renamed under <see cref="Gate"/>, which the stop also takes, so a rename either
/// happened before the signal (the new output is complete) or never happens; rename(2) is atomic, so the old
/// output stays until the new one is whole.
/// An instance that was never <see cref="Install"/>ed (in-process tests) only stops cooperatively.
/// </summary>
public sealed class Interruption : IDisposable
{
    /// <summary>How long the cooperative stop gets before the process is ended anyway.</summary>
    public static readonly TimeSpan GracePeriod = TimeSpan.FromMilliseconds(400);

    private readonly CancellationTokenSource _cts = new();
    private readonly HashSet<string> _temps = new(StringComparer.Ordinal);
    private readonly List<PosixSignalRegistration> _registrations = [];
    private Timer? _watchdog;
    private int _signalled;
    private bool _forcedExit;

    /// <summary>Held while a temp file is created or renamed into place, and while a stop deletes temp files.</summary>
    public object Gate { get; } = new();

    public CancellationToken Token => _cts.Token;

    /// <summary>130 after SIGINT, 143 after SIGTERM, null while no signal came.</summary>
    public int? ExitCode { get; private set; }

    public string? SignalName { get; private set; }

    /// <summary>Registers the SIGINT and SIGTERM handlers (Program.Main only: a forced stop ends the process).</summary>
    public static Interruption Install()
    {
        var interruption = new Interruption { _forcedExit = true };
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            interruption._registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, c => interruption.OnSignal(c, PosixSignal.SIGINT)));
            interruption._registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => interruption.OnSignal(c, PosixSignal.SIGTERM)));
        }
        return interruption;
    }

    private void OnSignal(PosixSignalContext context, PosixSignal signal)
    {
        context.Cancel = true; // we stop ourselves, with our exit code and cleanup
        Request(signal == PosixSignal.SIGINT ? ExitCodes.Interrupted : ExitCodes.Terminated, signal == PosixSignal.SIGINT ? "SIGINT" : "SIGTERM");
    }

    /// <summary>What a signal does (tests call it to stop an in-process run cooperatively).</summary>
    public void Request(int exitCode, string signalName)
    {
        if (Interlocked.Exchange(ref _signalled, 1) == 1)
        {
            // A second Ctrl-C: the user means it.
            if (_forcedExit) ForceExit();
            return;
        }
        lock (Gate)
        {
            ExitCode = exitCode;
            SignalName = signalName;
        }
        _cts.Cancel();
        if (_forcedExit) _watchdog = new Timer(_ => ForceExit(), null, GracePeriod, Timeout.InfiniteTimeSpan);
    }

    public bool IsRequested => Volatile.Read(ref _signalled) == 1;

    public void ThrowIfRequested()
    {
        if (IsRequested) throw new InterruptedException(SignalName ?? "a signal");
    }

    /// <summary>Creates a temp file through <paramref name="create"/> and records it, unless a stop was requested;
    /// a stop deletes every recorded file.</summary>
    public T CreateTemp<T>(string path, Func<T> create)
    {
        lock (Gate)
        {
            ThrowIfRequested();
            var created = create();
            _temps.Add(path);
            return created;
        }
    }

    /// <summary>Renames a recorded temp file over its target, unless a stop was requested.</summary>
    public void CommitTemp(string temp, string target)
    {
        lock (Gate)
        {
            ThrowIfRequested();
            File.Move(temp, target, overwrite: true);
            _temps.Remove(temp);
        }
    }

    /// <summary>Deletes a recorded temp file (after a failure).</summary>
    public void DiscardTemp(string temp)
    {
        lock (Gate)
        {
            TryDelete(temp);
            _temps.Remove(temp);
        }
    }

    private void DeleteTemps()
    {
        lock (Gate)
        {
            foreach (var t in _temps) TryDelete(t);
            _temps.Clear();
        }
    }

    private void ForceExit()
    {
        DeleteTemps();
        try
        {
            // Raw stderr, not Console.Error: the main thread may hold the console writer's lock.
            using var err = Console.OpenStandardError();
            err.Write(System.Text.Encoding.UTF8.GetBytes($"\namiaudit: interrupted by {SignalName}\n"));
        }
        catch (IOException)
        {
            // stderr closed: the exit code still says it
        }
        Environment.Exit(ExitCode ?? ExitCodes.Interrupted);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // nothing more we can do; the name starts with '.' and ends in .tmp
        }
    }

    public void Dispose()
    {
        _watchdog?.Dispose();
        foreach (var r in _registrations) r.Dispose();
        _cts.Dispose();
    }
}
