namespace AmiAudit.Core.Health;

/// <summary>0–100 (100 = nothing wrong) and the penalties that explain it.</summary>
public sealed record HealthScore(int Score, IReadOnlyList<HealthPenalty> Penalties);

/// <summary>One component's deduction, e.g. ("memcg", 30, "68,440 dying memory cgroups — critical").</summary>
public sealed record HealthPenalty(string Component, int Points, string Reason);
