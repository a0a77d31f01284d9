namespace AmiAudit.Collectors.Tests.RootFs;

/// <summary>Tests that measure GC.GetTotalAllocatedBytes run alone, or other tests' allocations count against them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeasuresProcessAllocations
{
    public const string Name = "measures-process-allocations";
}
