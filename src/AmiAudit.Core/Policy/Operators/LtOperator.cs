namespace AmiAudit.Core.Policies.Operators;

public sealed class LtOperator : ComparisonOperatorBase
{
    public override string Name => "lt";
    public override string Summary => "the value is a number (or numeric text) less than the argument (absent: false; not a number: error)";
    protected override string Symbol => "<";
    protected override bool Compare(double a, double b) => a < b;
}
