using System.Globalization;
using Iess.Identity.Employers;
using Iess.Identity.Recovery;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Iess.Identity.Tests.Employers;

/// <summary>
/// The employer steps an enumeration comparison times (identify, image, code), for one server: each case walks its own
/// browser and flows. Shared by the employer enumeration tests and the hardening ones; disposing ends the browsers.
/// </summary>
public sealed class EmployerProbes(IessServerFactory server) : IDisposable
{
    private readonly List<IDisposable> owned = [];

    /// <summary>The image that passes in a phantom flow for this branch (what an attacker would find by trying the grid).</summary>
    public static async Task<(bool HasImage, int ImageId)> PhantomProfileAsync(IessServerFactory server, string ruc, string branch, int? registered = null)
    {
        await using var scope = server.CreateScope();
        var hash = await scope.ServiceProvider.GetRequiredService<FlowStore>().IdentifierHashAsync(FlowKind.EmployerRecovery, $"{ruc}-{branch}");
        var key = await scope.ServiceProvider.GetRequiredService<ServerSecrets>().GetAsync("recovery-grid");
        return PhantomProfile.For(key, hash, 9, registered);
    }

    /// <summary>Identifies for recovery and, where the branch shows the image step, passes it as whoever typed the combination would.</summary>
    public static async Task ReachRecoveryCodeAsync(IessServerFactory server, FormClient browser, string ruc, string branch, string representative)
    {
        var driver = new EmployerDriver(browser);
        var next = EmployerDriver.Location(await driver.IdentifyAsync(ruc, branch, representative));
        if (next == "/Employer/Recovery/Image")
        {
            // A branch with no account may show the image step; its stable "image" is what trying the grid would find.
            var (_, image) = await PhantomProfileAsync(server, ruc, branch);
            next = EmployerDriver.Location(await driver.PickImageAsync(image));
        }

        Assert.Equal("/Employer/Recovery/Code", next);
    }

    /// <summary>A branch code of <paramref name="ruc"/> with no account whose phantom shows (or skips) the image step.</summary>
    public async Task<string> PhantomBranchAsync(string ruc, bool hasImage)
    {
        for (var n = 3; ; n++)
        {
            var branch = n.ToString("0000", CultureInfo.InvariantCulture);
            if ((await PhantomProfileAsync(server, ruc, branch)).HasImage == hasImage)
            {
                return branch;
            }
        }
    }

    /// <summary>An unused RUC whose branch 0001 phantom shows (or skips) the image step.</summary>
    public async Task<string> PhantomRucAsync(bool hasImage)
    {
        while (true)
        {
            var ruc = EmployerIds.NewPrivateCompanyRuc();
            if ((await PhantomProfileAsync(server, ruc, "0001")).HasImage == hasImage)
            {
                return ruc;
            }
        }
    }

    /// <summary>The identify POST (RUC, branch, representative and a solved CAPTCHA) of recovery or Generar clave.</summary>
    public ProbeCase Identify(string name, string root, string ruc, string branch, string representative)
    {
        var browser = Own(new FormClient(server.BaseAddress));
        return new ProbeCase(name, async () => await ResponseProbe.PostAsync(browser, root, new Dictionary<string, string>
        {
            ["Ruc"] = ruc, ["Branch"] = branch, ["Representative"] = representative, ["altcha"] = await RecoveryDriver.SolveCaptchaAsync(browser),
        }));
    }

    /// <summary>A wrong pick at the recovery image step (an image of the grid that does not pass for this combination).</summary>
    public ProbeCase WrongImage(string name, string ruc, string branch, string representative, int? registered, int stepsPerFlow)
    {
        var walker = Own(new FlowWalker(server.BaseAddress, async b =>
            Assert.Equal("/Employer/Recovery/Image", EmployerDriver.Location(await new EmployerDriver(b).IdentifyAsync(ruc, branch, representative))), stepsPerFlow));
        int? wrong = null;
        return new ProbeCase(name, async () =>
        {
            var browser = await walker.NextAsync();
            if (wrong is null)
            {
                var (_, passing) = await PhantomProfileAsync(server, ruc, branch, registered);
                wrong = (await new RecoveryDriver(browser).GridAsync("/Employer/Recovery/Image")).First(id => id != passing && id != registered);
            }

            return await ResponseProbe.PostAsync(browser, "/Employer/Recovery/Image",
                new Dictionary<string, string> { ["Picked"] = wrong.Value.ToString(CultureInfo.InvariantCulture) });
        });
    }

    /// <summary>A wrong code at the code step of recovery (<c>/Employer/Recovery</c>) or Generar clave (<c>/Employer/Activate</c>).</summary>
    public ProbeCase WrongCode(string name, string root, string ruc, string branch, string representative, int stepsPerFlow)
    {
        Func<FormClient, Task> start = root == "/Employer/Recovery"
            ? b => ReachRecoveryCodeAsync(server, b, ruc, branch, representative)
            : async b => Assert.Equal(root + "/Code", EmployerDriver.Location(await new EmployerDriver(b, root).IdentifyAsync(ruc, branch, representative)));
        var walker = Own(new FlowWalker(server.BaseAddress, start, stepsPerFlow));
        return new ProbeCase(name, async () =>
            await ResponseProbe.PostAsync(await walker.NextAsync(), root + "/Code", new Dictionary<string, string> { ["Code"] = "000000" }));
    }

    public void Dispose() => owned.ForEach(o => o.Dispose());

    private T Own<T>(T disposable)
        where T : IDisposable
    {
        owned.Add(disposable);
        return disposable;
    }
}
