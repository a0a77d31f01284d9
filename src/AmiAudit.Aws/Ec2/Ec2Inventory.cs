using System.Runtime.CompilerServices;
using System.Text;
using AmiAudit.Aws.Plumbing;
using AmiAudit.Collectors.Bootstrap;
using AmiAudit.Core.Model;
using Amazon.EC2.Model;
using Snapshot = AmiAudit.Core.Model.Snapshot;
using Ec2ApiFilter = Amazon.EC2.Model.Filter;

namespace AmiAudit.Aws.Ec2;

public sealed record InventoryRequest
{
    public IReadOnlyList<Ec2Filter> Filters { get; init; } = [];
    /// <summary>Only instances in this zone (the <c>ec2:&lt;az&gt;</c> diff side; also <c>--filter availability-zone=…</c>).</summary>
    public string? AvailabilityZone { get; init; }
    /// <summary>Skip the subnet pre-filter and select the zone from each instance's placement only (the path taken
    /// when no subnet is in the zone; forced by tests to cover it).</summary>
    public bool ZoneClientSideOnly { get; init; }
    public DateTimeOffset Now { get; init; }
    public string? Version { get; init; }
    /// <summary>instance-state-name values when no filter names a state: everything but terminated instances.</summary>
    public IReadOnlyList<string> States { get; init; } = ["pending", "running", "stopping", "stopped"];
    /// <summary>DescribeInstances MaxResults (5–1000). Smaller pages only in tests (AMIAUDIT_EC2_PAGE_SIZE).</summary>
    public int PageSize { get; init; } = 1000;
}

/// <summary>
/// One snapshot per EC2 instance, from the API alone (no agent on the node): DescribeInstances page by page
/// (≤1,000 instances each), and per page only what is not known yet — the AMIs (DescribeImages), the instance
/// types' ENA support (DescribeInstanceTypes) and each launch template version's user data
/// (DescribeLaunchTemplateVersions), each fetched once per run and inspected once. Snapshots are yielded as each
/// page completes, so the caller writes them while the next page is read and memory stays one page deep.
/// <para>Zones: the <c>availability-zone</c> filter is not sent to DescribeInstances (moto answers it with nothing,
/// and a subnet filter is as exact): the zone's subnets (DescribeSubnets) become a <c>subnet-id</c> filter, and every
/// instance's placement is checked as well. A zone with no subnets is selected from placements alone.</para>
/// </summary>
public sealed class Ec2Inventory(AwsSession session)
{
    private const int FilterValuesPerCall = 200;
    private readonly Dictionary<string, Image?> _images = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _typeEna = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Id, string Version), LaunchTemplateData> _templates = new();

    /// <summary>DescribeInstances pages read (the benchmark and tests report it).</summary>
    public int Pages { get; private set; }

    public async IAsyncEnumerable<Snapshot> CollectAsync(InventoryRequest request, [EnumeratorCancellation] CancellationToken cancel)
    {
        await foreach (var instances in InstancePagesAsync(request, cancel).ConfigureAwait(false))
        {
            await LoadImages(instances, cancel).ConfigureAwait(false);
            await LoadInstanceTypes(instances, cancel).ConfigureAwait(false);
            await LoadTemplates(instances, cancel).ConfigureAwait(false);
            foreach (var i in instances)
            {
                cancel.ThrowIfCancellationRequested();
                var image = i.ImageId is { } id ? _images.GetValueOrDefault(id) : null;
                var ena = i.InstanceType?.Value is { } type ? _typeEna.GetValueOrDefault(type) : null;
                yield return SnapshotBuilder.Build(i, image, ena, TemplateOf(i), session.Region, request.Now, request.Version);
            }
        }
    }

    /// <summary>The instances <paramref name="request"/> selects, one DescribeInstances page at a time (sorted by id
    /// within a page). Also what <c>fleet collect --ssm</c> resolves its targets with.</summary>
    public async IAsyncEnumerable<List<Instance>> InstancePagesAsync(InventoryRequest request, [EnumeratorCancellation] CancellationToken cancel)
    {
        var zone = request.AvailabilityZone;
        var filters = new List<ApiFilterSpec>();
        foreach (var f in request.Filters)
        {
            if (f.Name == Ec2Filter.AvailabilityZone)
            {
                if (f.Values.Count != 1 || (zone is not null && zone != f.Values[0]))
                    throw new AwsConfigurationException($"--filter {f}: give one availability zone per run");
                zone = f.Values[0];
                continue;
            }
            filters.Add(new ApiFilterSpec(f.Name, f.Values));
        }
        if (!filters.Any(f => f.Name == "instance-state-name"))
            filters.Add(new ApiFilterSpec("instance-state-name", request.States));

        if (zone is not null && !request.ZoneClientSideOnly)
        {
            var subnets = await SubnetsIn(zone, cancel).ConfigureAwait(false);
            if (subnets.Count is > 0 and <= FilterValuesPerCall) filters.Add(new ApiFilterSpec("subnet-id", subnets));
        }

        string? token = null;
        do
        {
            var page = await session.Call("EC2 DescribeInstances", ct => session.Ec2.DescribeInstancesAsync(new DescribeInstancesRequest
            {
                Filters = [.. filters.Select(f => f.ToApi())],
                MaxResults = Math.Clamp(request.PageSize, 5, 1000),
                NextToken = token,
            }, ct), cancel).ConfigureAwait(false);
            Pages++;
            yield return page.Reservations.SelectMany(r => r.Instances)
                .Where(i => zone is null || string.Equals(i.Placement?.AvailabilityZone, zone, StringComparison.Ordinal))
                .OrderBy(i => i.InstanceId, StringComparer.Ordinal)
                .ToList();
            token = string.IsNullOrEmpty(page.NextToken) ? null : page.NextToken;
        } while (token is not null);
    }

    private async Task<List<string>> SubnetsIn(string zone, CancellationToken cancel)
    {
        var ids = new List<string>();
        string? token = null;
        do
        {
            var page = await session.Call("EC2 DescribeSubnets", ct => session.Ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest
            {
                Filters = [new ApiFilterSpec("availability-zone", [zone]).ToApi()],
                NextToken = token,
            }, ct), cancel).ConfigureAwait(false);
            ids.AddRange(page.Subnets.Where(s => s.AvailabilityZone == zone).Select(s => s.SubnetId));
            token = string.IsNullOrEmpty(page.NextToken) ? null : page.NextToken;
        } while (token is not null);
        return ids;
    }

    private async Task LoadImages(List<Instance> instances, CancellationToken cancel)
    {
        var missing = instances.Select(i => i.ImageId).OfType<string>().Where(id => !_images.ContainsKey(id)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var chunk in missing.Chunk(FilterValuesPerCall))
        {
            // A filter, not ImageIds: a deregistered AMI is then simply absent instead of failing the whole call.
            string? token = null;
            do
            {
                var page = await session.Call("EC2 DescribeImages", ct => session.Ec2.DescribeImagesAsync(new DescribeImagesRequest
                {
                    Filters = [new ApiFilterSpec("image-id", chunk).ToApi()],
                    IncludeDeprecated = true,
                    NextToken = token,
                }, ct), cancel).ConfigureAwait(false);
                foreach (var image in page.Images) _images[image.ImageId] = image;
                token = string.IsNullOrEmpty(page.NextToken) ? null : page.NextToken;
            } while (token is not null);
            foreach (var id in chunk) _images.TryAdd(id, null);
        }
    }

    private async Task LoadInstanceTypes(List<Instance> instances, CancellationToken cancel)
    {
        var missing = instances.Select(i => i.InstanceType?.Value).OfType<string>().Where(t => !_typeEna.ContainsKey(t)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var chunk in missing.Chunk(100))
        {
            string? token = null;
            do
            {
                var page = await session.Call("EC2 DescribeInstanceTypes", ct => session.Ec2.DescribeInstanceTypesAsync(new DescribeInstanceTypesRequest
                {
                    Filters = [new ApiFilterSpec("instance-type", chunk).ToApi()],
                    NextToken = token,
                }, ct), cancel).ConfigureAwait(false);
                foreach (var t in page.InstanceTypes) _typeEna[t.InstanceType.Value] = t.NetworkInfo?.EnaSupport?.Value;
                token = string.IsNullOrEmpty(page.NextToken) ? null : page.NextToken;
            } while (token is not null);
            foreach (var t in chunk) _typeEna.TryAdd(t, null);
        }
    }

    private static (string Id, string Version)? TemplateKey(Instance i)
    {
        var id = i.Tags?.FirstOrDefault(t => t.Key == "aws:ec2launchtemplate:id")?.Value;
        var version = i.Tags?.FirstOrDefault(t => t.Key == "aws:ec2launchtemplate:version")?.Value;
        return id is null ? null : (id, version ?? "$Default");
    }

    private LaunchTemplateData? TemplateOf(Instance i) => TemplateKey(i) is { } key ? _templates.GetValueOrDefault(key) : null;

    private async Task LoadTemplates(List<Instance> instances, CancellationToken cancel)
    {
        var missing = instances.Select(TemplateKey).OfType<(string Id, string Version)>().Where(k => !_templates.ContainsKey(k)).Distinct().ToList();
        foreach (var group in missing.GroupBy(k => k.Id, StringComparer.Ordinal))
        {
            var versions = group.Select(k => k.Version).ToList();
            List<LaunchTemplateVersion> found;
            try
            {
                found = [];
                string? token = null;
                do
                {
                    var page = await session.Call("EC2 DescribeLaunchTemplateVersions", ct => session.Ec2.DescribeLaunchTemplateVersionsAsync(new DescribeLaunchTemplateVersionsRequest
                    {
                        LaunchTemplateId = group.Key,
                        Versions = versions,
                        NextToken = token,
                    }, ct), cancel).ConfigureAwait(false);
                    found.AddRange(page.LaunchTemplateVersions);
                    token = string.IsNullOrEmpty(page.NextToken) ? null : page.NextToken;
                } while (token is not null);
            }
            catch (AwsFailure e) when (e.InnerException is Amazon.EC2.AmazonEC2Exception { ErrorCode: { } code } && code.StartsWith("InvalidLaunchTemplate", StringComparison.Ordinal))
            {
                // Deleted since the launch: the instance is still inventoried, without its user data.
                foreach (var v in versions) _templates[(group.Key, v)] = new LaunchTemplateData(group.Key, null, v, null, $"launch template {group.Key} version {v}: {code}");
                continue;
            }
            foreach (var v in versions)
            {
                var match = found.FirstOrDefault(x => x.VersionNumber?.ToString(System.Globalization.CultureInfo.InvariantCulture) == v)
                    ?? (v is "$Default" ? found.FirstOrDefault(x => x.DefaultVersion == true) : v is "$Latest" ? found.OrderByDescending(x => x.VersionNumber).FirstOrDefault() : null);
                _templates[(group.Key, v)] = match is null
                    ? new LaunchTemplateData(group.Key, null, v, null, $"launch template {group.Key} has no version {v}")
                    : new LaunchTemplateData(group.Key, match.LaunchTemplateName, v, Inspect(match.LaunchTemplateData?.UserData), null);
            }
        }
    }

    private static UserDataInspector.Result? Inspect(string? base64) =>
        string.IsNullOrEmpty(base64) ? null : UserDataInspector.Inspect(Encoding.ASCII.GetBytes(base64), "user-data", "launch-template", SnapshotBuilder.DiagnosticSource);

    private sealed record ApiFilterSpec(string Name, IReadOnlyList<string> Values)
    {
        public Ec2ApiFilter ToApi() => new() { Name = Name, Values = [.. Values] };
    }
}
