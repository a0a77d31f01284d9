using System.Text;
using Amazon.EC2;
using Amazon.EC2.Model;

namespace AmiAudit.Aws.Tests.RealParts;

/// <summary>
/// A small EKS-like fleet in moto: one VPC with a subnet in us-east-1a and one in us-east-1b, an AMI registered
/// from an instance (named like an EKS node AMI), and one launch template per zone whose user data differ only
/// in the kubelet URL — the pre-rollout divergence the AZ diff must explain.
/// </summary>
public sealed record MotoFleet(string ImageId, string SubnetA, string SubnetB, string TemplateA, string TemplateB, List<string> InstancesA, List<string> InstancesB)
{
    public const string KubeletA = "https://amazon-eks.s3.us-west-2.amazonaws.com/1.29.0/2024-01-04/bin/linux/amd64/kubelet";
    public const string KubeletB = "https://amazon-eks.s3.us-west-2.amazonaws.com/1.29.3/2024-04-19/bin/linux/amd64/kubelet";

    public static string UserData(string kubelet) =>
        "#!/bin/bash\nset -euo pipefail\ncurl -fsSL -o /usr/bin/kubelet '" + kubelet + "?X-Amz-Signature=deadbeefdeadbeef'\nchmod +x /usr/bin/kubelet\nsystemctl enable --now kubelet\n";

    public static async Task<MotoFleet> Create(IAmazonEC2 ec2, int perZone = 2, string cluster = "ml")
    {
        var vpc = (await ec2.CreateVpcAsync(new CreateVpcRequest { CidrBlock = "10.0.0.0/16" })).Vpc.VpcId;
        var subnetA = (await ec2.CreateSubnetAsync(new CreateSubnetRequest { VpcId = vpc, CidrBlock = "10.0.1.0/24", AvailabilityZone = "us-east-1a" })).Subnet.SubnetId;
        var subnetB = (await ec2.CreateSubnetAsync(new CreateSubnetRequest { VpcId = vpc, CidrBlock = "10.0.2.0/24", AvailabilityZone = "us-east-1b" })).Subnet.SubnetId;
        var stock = (await ec2.DescribeImagesAsync(new DescribeImagesRequest { Owners = ["amazon"] })).Images.First().ImageId;
        var builder = (await ec2.RunInstancesAsync(new RunInstancesRequest { ImageId = stock, MinCount = 1, MaxCount = 1, SubnetId = subnetA })).Reservation.Instances[0].InstanceId;
        var image = (await ec2.CreateImageAsync(new CreateImageRequest { InstanceId = builder, Name = "amazon-eks-node-1.29-v20241120" })).ImageId;
        await ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [builder] });
        var templateA = await Template(ec2, "nodes-a", image, KubeletA);
        var templateB = await Template(ec2, "nodes-b", image, KubeletB);
        var a = await Launch(ec2, templateA, subnetA, perZone, cluster);
        var b = await Launch(ec2, templateB, subnetB, perZone, cluster);
        return new MotoFleet(image, subnetA, subnetB, templateA, templateB, a, b);
    }

    private static async Task<string> Template(IAmazonEC2 ec2, string name, string image, string kubelet) =>
        (await ec2.CreateLaunchTemplateAsync(new CreateLaunchTemplateRequest
        {
            LaunchTemplateName = name,
            LaunchTemplateData = new RequestLaunchTemplateData
            {
                ImageId = image,
                InstanceType = InstanceType.M5Large,
                UserData = Convert.ToBase64String(Encoding.UTF8.GetBytes(UserData(kubelet))),
            },
        })).LaunchTemplate.LaunchTemplateId;

    public static async Task<List<string>> Launch(IAmazonEC2 ec2, string template, string subnet, int count, string cluster)
    {
        var r = await ec2.RunInstancesAsync(new RunInstancesRequest
        {
            LaunchTemplate = new LaunchTemplateSpecification { LaunchTemplateId = template, Version = "1" },
            MinCount = count,
            MaxCount = count,
            SubnetId = subnet,
            TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Instance, Tags = [new Amazon.EC2.Model.Tag("eks:cluster-name", cluster)] }],
        });
        return [.. r.Reservation.Instances.Select(i => i.InstanceId).Order(StringComparer.Ordinal)];
    }
}
