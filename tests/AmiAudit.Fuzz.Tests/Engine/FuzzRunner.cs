using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using AmiAudit.Testing;

namespace AmiAudit.Fuzz.Engine;

/// <summary>A parser broke its contract on one input: an undocumented exception, a hang or a memory blow-up.</summary>
public sealed class FuzzFinding(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Runs one input through a target and checks the contract: returns or throws only its documented
/// invalid-input exceptions, within <see cref="PerInputLimit"/>, allocating at most the target's bound.
/// A finding saves the input under artifacts/fuzz-findings/TARGET/ so it can become a Crashes/ fixture.
/// </summary>
public static class FuzzRunner
{
    /// <summary>A hang detector, not a performance assertion: a linear parser takes milliseconds on 1 MiB.</summary>
    public static readonly TimeSpan PerInputLimit = TimeSpan.FromSeconds(10);

    public static void Check(FuzzTarget target, byte[] input)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        try
        {
            target.Run(input);
        }
        catch (Exception e) when (target.IsAllowed(e))
        {
        }
        catch (FuzzFinding e)
        {
            // A target's own property (a differential check) failed: save the input like any other finding.
            throw Finding(target, input, e.Message, e);
        }
        catch (Exception e) when (e is not FuzzFinding)
        {
            throw Finding(target, input, $"threw {e.GetType().FullName}: {e.Message}", e);
        }
        var elapsed = clock.Elapsed;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (elapsed > PerInputLimit) throw Finding(target, input, $"took {elapsed.TotalSeconds:F1} s (limit {PerInputLimit.TotalSeconds} s)");
        if (allocated > target.MaxAllocatedBytes)
            throw Finding(target, input, $"allocated {allocated / 1024 / 1024} MiB for a {input.Length}-byte input (limit {target.MaxAllocatedBytes / 1024 / 1024} MiB)");
    }

    public static FuzzFinding Finding(FuzzTarget target, byte[] input, string what, Exception? inner = null)
    {
        var saved = Save(target.Name, input);
        return new FuzzFinding($"{target.Name} ({target.Parses}): {what}\n  input ({input.Length} bytes) saved to {saved}\n  starts: {Preview(input)}", inner);
    }

    public static string Save(string target, byte[] input)
    {
        var dir = Path.Combine(RepoPaths.Root, "artifacts", "fuzz-findings", target);
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, Convert.ToHexStringLower(SHA256.HashData(input))[..16]);
        File.WriteAllBytes(path, input);
        return path;
    }

    public static string Preview(byte[] input)
    {
        var text = Encoding.UTF8.GetString(input, 0, Math.Min(input.Length, 160));
        var sb = new StringBuilder();
        foreach (var c in text) sb.Append(c < ' ' || c == 127 ? $"\\x{(int)c:x2}" : c.ToString());
        return sb.ToString();
    }
}
