using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Iess.Identity.AdminApi;

/// <summary>
/// The admin API's errors as RFC 9457 problem details. Titles are Spanish first with English beside them, because
/// the console shows them to officers as they are.
/// </summary>
public static class AdminProblems
{
    /// <summary>
    /// The body of an error response that has none (401, 403, 404, 405, 415…): problem details whatever the request's
    /// <c>Accept</c> says, because the console reads nothing else.
    /// </summary>
    public static Task ForStatusCode(StatusCodeContext context) =>
        TypedResults.Problem(statusCode: context.HttpContext.Response.StatusCode).ExecuteAsync(context.HttpContext);

    /// <summary>400 with the field errors (field name → messages); nothing was changed.</summary>
    public static ProblemHttpResult Invalid(IDictionary<string, string[]> errors) =>
        TypedResults.Problem(new Microsoft.AspNetCore.Mvc.ValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "Datos no válidos / Invalid input",
            Type = "https://iess.gob.ec/problems/invalid-input",
        });

    public static ProblemHttpResult Invalid(string field, string message) => Invalid(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemHttpResult NotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No encontrado / Not found", type: "https://iess.gob.ec/problems/not-found");

    /// <summary>
    /// 409: someone changed the resource since the caller read it. <paramref name="current"/> is its state now, so
    /// the console can show it; its version is in the <c>current</c> extension and the caller must decide again.
    /// </summary>
    public static ProblemHttpResult Conflict(object current) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "Otro funcionario cambió estos datos; revise el estado actual / Another officer changed this; review the current state",
            type: "https://iess.gob.ec/problems/concurrent-change",
            extensions: new Dictionary<string, object?> { ["current"] = current });

    /// <summary>428: a change was sent without the <c>If-Match</c> version it was based on.</summary>
    public static ProblemHttpResult VersionRequired() =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status428PreconditionRequired,
            title: "Falta la versión (If-Match) de los datos que se modifican / The If-Match version is required",
            type: "https://iess.gob.ec/problems/version-required");
}
