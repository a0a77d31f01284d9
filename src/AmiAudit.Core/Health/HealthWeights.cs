namespace AmiAudit.Core.Health;

/// <summary>
/// Points a node loses from 100, per component, each capped so one sick subsystem cannot hide the
/// others (docs/probes/health.md explains the choice). A node with a critical memcg leak, a flapping
/// ENA and a crash-looping agent ends near 20; a node with one medium finding stays in the 90s.
/// </summary>
public static class HealthWeights
{
    public const int MemcgProblem = 15;
    public const int MemcgCritical = 30;

    public const int EnaPerReset = 5;
    public const int EnaResetFailure = 10;
    public const int EnaTimeoutsWithoutReset = 5;
    public const int EnaCap = 25;

    public const int CpuPerSaturatedCore = 5;
    /// <summary>A core saturated for at least half the window counts double.</summary>
    public const int CpuPerMostlySaturatedCore = 10;
    public const int CpuCap = 20;

    /// <summary>A unit or container restarting at least this often is crash-looping.</summary>
    public const double CrashLoopRestartsPerHour = 6;
    public const int PerCrashLoop = 10;
    public const int CrashLoopCap = 25;

    public const int FindingCritical = 10;
    public const int FindingHigh = 5;
    public const int FindingMedium = 2;
    public const int FindingLow = 1;
    public const int FindingsCap = 30;
}
