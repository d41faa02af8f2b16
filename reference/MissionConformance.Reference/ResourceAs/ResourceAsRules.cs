using Microsoft.AspNetCore.Http;
using MissionConformance.Reference.Endpoints;
using MissionConformance.Reference.Seams;

namespace MissionConformance.Reference.ResourceAs;

/// <summary>How a Resource AS answers a rule it checks, once its hooks have seen the answer, and how it writes an error.</summary>
public static class ResourceAsRules
{
    public static IResult? Check(Hooks<IResourceAsHook> hooks, ResourceAsRule rule, IResult? refusal)
    {
        var check = new ResourceAsCheck(rule, refusal);
        hooks.Run(h => h.Checked(check));
        return check.Refusal;
    }

    public static NoStoreJsonResult Error(string error, string description, int status = StatusCodes.Status400BadRequest)
        => Endpoints.Token.TokenEndpoint.OAuthError(error, description, status);
}
