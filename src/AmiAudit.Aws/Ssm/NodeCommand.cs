using System.Text;

namespace AmiAudit.Aws.Ssm;

/// <summary>
/// The shell script SSM runs on each node (AWS-RunShellScript's <c>commands</c>): fetch the amiaudit binary when
/// it is given as an s3:// URL (with the node's own role), ask IMDSv2 for the instance id, zone and AMI, and
/// <c>exec amiaudit collect --live --out s3://…/</c> so SSM reports amiaudit's own exit code. Every value we put in
/// is single-quoted; nothing from the fleet is interpolated into the script.
/// </summary>
public static class NodeCommand
{
    public static IReadOnlyList<string> Build(string binary, string outPrefix, IReadOnlyList<string> extraArgs)
    {
        var lines = new List<string>
        {
            "set -eu",
            // AWS_EC2_METADATA_SERVICE_ENDPOINT is the SDKs' own override (IPv6-only nodes: http://[fd00:ec2::254]).
            "IMDS=\"${AWS_EC2_METADATA_SERVICE_ENDPOINT:-http://169.254.169.254}\"; IMDS=\"${IMDS%/}/latest\"",
            // IMDSv2: a session token first. No instance metadata (not EC2, IMDS off): the snapshot still lands, under unknown-az.
            "TOKEN=$(curl -sf --max-time 2 -X PUT \"$IMDS/api/token\" -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' 2>/dev/null || true)",
            "md() { curl -sf --max-time 2 -H \"X-aws-ec2-metadata-token: $TOKEN\" \"$IMDS/meta-data/$1\" 2>/dev/null || true; }",
            "ID=$(md instance-id); AZ=$(md placement/availability-zone); AMI=$(md ami-id); REGION=$(md placement/region)",
        };
        if (Store.S3Uri.Looks(binary))
        {
            lines.Add("WORK=$(mktemp -d /tmp/amiaudit.XXXXXX)");
            lines.Add("trap 'rm -rf \"$WORK\"' EXIT");
            lines.Add($"aws s3 cp --only-show-errors {Quote(binary)} \"$WORK/amiaudit\" ${{REGION:+--region \"$REGION\"}}");
            lines.Add("chmod 0755 \"$WORK/amiaudit\"");
            lines.Add("BIN=\"$WORK/amiaudit\"");
        }
        else
        {
            lines.Add($"BIN={Quote(binary)}");
        }
        var args = new StringBuilder();
        args.Append("\"$BIN\" collect --live --out ").Append(Quote(outPrefix));
        args.Append(" ${ID:+--instance-id \"$ID\"} ${AZ:+--az \"$AZ\"} ${AMI:+--image-id \"$AMI\"} ${REGION:+--region \"$REGION\"}");
        foreach (var a in extraArgs) args.Append(' ').Append(Quote(a));
        // Not exec when a temp dir must be cleaned up: the trap runs, and `exit $?` keeps amiaudit's code.
        lines.Add(Store.S3Uri.Looks(binary) ? args + "; exit $?" : "exec " + args);
        return lines;
    }

    /// <summary>POSIX single quoting: 'it'\''s'.</summary>
    public static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
