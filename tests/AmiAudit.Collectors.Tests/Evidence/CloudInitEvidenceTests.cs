using AmiAudit.Collectors.Bootstrap;
using AmiAudit.Collectors.RootFs;
using AmiAudit.Collectors.Tests.RootFs;

namespace AmiAudit.Collectors.Tests.Evidence;

public class CloudInitEvidenceTests
{
    private static AmiAudit.Core.Model.CloudInitOutcome Outcome(TempRoot root) => CloudInitOutcomeReader.Read(new RootFileSystem(root.Dir), "bootstrap");

    [Fact]
    public void Status_json_with_no_stage_running_and_every_stage_finished_clean_is_done()
    {
        // cloud-init writes "stage": null once modules-final is over (cloudinit/cmd/main.py status_wrapper).
        using var root = new TempRoot().Write("/var/lib/cloud/data/status.json", """
            {"v1": {"datasource": "DataSourceEc2Local",
                    "init-local": {"errors": [], "recoverable_errors": {}, "start": 4.21, "finished": 4.88},
                    "init": {"errors": [], "recoverable_errors": {}, "start": 6.02, "finished": 7.95},
                    "modules-config": {"errors": [], "recoverable_errors": {}, "start": 9.11, "finished": 10.40},
                    "modules-final": {"errors": [], "recoverable_errors": {}, "start": 10.92, "finished": 12.5},
                    "stage": null}}
            """);
        var o = Outcome(root);
        o.Status.ShouldBe("done");
        o.Errors.ShouldBeEmpty();
        o.Datasource.ShouldBe("DataSourceEc2Local");
    }

    [Fact]
    public void Status_json_states_running_error_and_old_epoch_shapes()
    {
        // T-CI-04: mid-boot, modules-final running.
        using (var root = new TempRoot().Write("/run/cloud-init/status.json", """
            {"v1": {"datasource": "DataSourceEc2Local",
                    "init-local": {"errors": [], "start": 4.21, "finished": 4.88},
                    "init": {"errors": [], "start": 6.02, "finished": 7.95},
                    "modules-config": {"errors": [], "start": 9.11, "finished": 10.40},
                    "modules-final": {"errors": [], "start": 10.92, "finished": null},
                    "stage": "modules-final"}}
            """))
            Outcome(root).Status.ShouldBe("running");
        using (var root = new TempRoot().Write("/run/cloud-init/status.json", """
            {"v1": {"datasource": null, "stage": null,
                    "init-local": {"errors": [], "start": 1709467201.2, "finished": 1709467202.0},
                    "init": {"errors": [], "start": 1709467203.0, "finished": 1709467204.0},
                    "modules-config": {"errors": [], "start": 1709467205.0, "finished": 1709467206.0},
                    "modules-final": {"errors": ["('scripts_user', RuntimeError('Runparts: 1 failures (part-001) in 1 attempted commands'))"], "start": 1709467207.0, "finished": 1709467210.0}}}
            """))
        {
            var o = Outcome(root);
            o.Status.ShouldBe("error");
            o.Errors.ShouldHaveSingleItem().ShouldContain("scripts_user");
        }
    }

    [Fact]
    public void Result_json_wins_over_status_json()
    {
        using var root = new TempRoot()
            .Write("/run/cloud-init/status.json", """{"v1": {"stage": "modules-final", "modules-final": {"errors": [], "finished": null}}}""")
            .Write("/var/lib/cloud/data/result.json", """{"v1": {"datasource": "DataSourceEc2Local", "errors": []}}""");
        var o = Outcome(root);
        o.Status.ShouldBe("done");
        o.Source.ShouldBe("/var/lib/cloud/data/result.json");
    }

    [Theory]
    [InlineData("status: done\nextended_status: done\nboot_status_code: enabled-by-generator\nlast_update: Thu, 01 Jan 1970 00:00:12 +0000\ndetail:\nDataSourceEc2Local\nerrors: []\nrecoverable_errors: {}\n", "done", 0)]
    [InlineData("status: error\nextended_status: error - running\nboot_status_code: enabled-by-generator\ndetail:\nDataSourceEc2Local\nerrors:\n\t- ('scripts_user', RuntimeError('Runparts: 1 failures (part-001) in 1 attempted commands'))\nrecoverable_errors: {}\n", "error", 1)]
    [InlineData("status: running\ntime: Thu, 01 Jan 1970 00:00:12 +0000\ndetail:\nRunning in stage: modules-final\n", "running", 0)]
    [InlineData("status: disabled\n", "not-run", 0)]
    public void Cloud_init_status_long_text_is_accepted_where_status_json_would_be(string text, string status, int errors)
    {
        using var root = new TempRoot().Write("/run/cloud-init/status.json", text);
        var o = Outcome(root);
        o.Status.ShouldBe(status);
        o.Errors.Count.ShouldBe(errors);
    }

    [Fact]
    public void Status_format_json_is_accepted()
    {
        using var root = new TempRoot().Write("/run/cloud-init/status.json",
            """{"boot_status_code": "enabled-by-generator", "datasource": "ec2", "detail": "DataSourceEc2Local", "errors": ["(runcmd) failed"], "status": "error", "extended_status": "error - done"}""");
        var o = Outcome(root);
        o.Status.ShouldBe("error");
        o.Errors.ShouldBe(["(runcmd) failed"]);
    }

    [Fact]
    public void Cloud_init_logs_give_the_failing_script_command_and_exit_status()
    {
        // Shapes from public reports: aws-quickstart/quickstart-pivotal-cloudfoundry#34 (util.py WARNING + ProcessExecutionError
        // block), canonical/multipass#2312 (subp.py, exit 127), redhat-openstack/openshift-on-openstack#113 (shell error line).
        using var root = new TempRoot()
            .Write("/var/log/cloud-init-output.log", """
                Cloud-init v. 19.3-46.amzn2 running 'modules:final' at Tue, 03 Mar 2026 14:00:30 +0000. Up 30.12 seconds.
                + KUBELET_VERSION=1.29.3
                + curl -fsSL -o /usr/bin/kubelet 'https://example.com/kubelet?X-Amz-Signature=abcdef0123456789&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE'
                curl: (22) The requested URL returned error: 403
                /var/lib/cloud/instance/scripts/part-001: line 7: /usr/bin/kubelet: No such file or directory
                2026-03-03 14:00:41,229 - util.py[WARNING]: Failed running /var/lib/cloud/instance/scripts/part-001 [22]
                2026-03-03 14:00:41,238 - cc_scripts_user.py[WARNING]: Failed to run module scripts-user (scripts in /var/lib/cloud/instance/scripts)
                2026-03-03 14:00:41,238 - util.py[WARNING]: Running module scripts-user (<module 'cloudinit.config.cc_scripts_user' from '/usr/lib/python3/dist-packages/cloudinit/config/cc_scripts_user.py'>) failed
                Cloud-init v. 19.3-46.amzn2 finished at Tue, 03 Mar 2026 14:00:41 +0000. Datasource DataSourceEc2.  Up 41.20 seconds
                """)
            .Write("/var/log/cloud-init.log", """
                Mar 03 14:00:41 cloud-init[2381]: util.py[DEBUG]: Failed running /var/lib/cloud/instance/scripts/part-001 [22]
                Traceback (most recent call last):
                cloudinit.util.ProcessExecutionError: Unexpected error while running command.
                Command: ['/var/lib/cloud/instance/scripts/part-001']
                Exit code: 22
                Reason: -
                """);
        var s = DeadNodeRoot.Collect(root);
        var ci = s.Evidence.ShouldNotBeNull().CloudInit.ShouldNotBeNull();
        ci.FailedScript.ShouldBe("/var/lib/cloud/instance/scripts/part-001");
        ci.ExitStatus.ShouldBe(22);
        ci.FailingCommand.ShouldNotBeNull().ShouldStartWith("curl -fsSL -o /usr/bin/kubelet");
        ci.FailingCommand.ShouldNotContain("abcdef0123456789");
        ci.FailingCommand.ShouldNotContain("AKIAIOSFODNN7EXAMPLE");
        ci.FinishedAt.ShouldBe(new DateTimeOffset(2026, 3, 3, 14, 0, 41, TimeSpan.Zero));
        ci.Version.ShouldBe("19.3-46.amzn2");
        ci.Errors.ShouldContain(e => e.StartsWith("curl: (22)", StringComparison.Ordinal));
        // No outcome file on this root: the logs decide bootstrap.cloudInit.
        s.Bootstrap.CloudInit.ShouldNotBeNull().Status.ShouldBe("error");
        s.Bootstrap.CloudInit!.Errors.ShouldHaveSingleItem().ShouldContain("part-001 failed with exit status 22");
        s.Evidence!.Timeline.ShouldContain(t => t.Source == "cloud-init" && t.Event.Contains("part-001", StringComparison.Ordinal));
    }
}
