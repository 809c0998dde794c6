using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Iess.Identity.Hosting;

/// <summary>
/// Makes page answers say what happened: a method or <c>?handler=</c> the page has no handler for is a 405 (Razor
/// Pages would otherwise render the page as if it were a GET), and a form shown again because its input was invalid
/// is a 400, with the page and its Spanish messages as the body.
/// </summary>
internal sealed class PageRequestFilter : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var request = context.HttpContext.Request;
        var reExecuted = context.HttpContext.Features.Get<IStatusCodeReExecuteFeature>() is not null
            || context.HttpContext.Features.Get<IExceptionHandlerPathFeature>() is not null;
        if (context.HandlerMethod is null && !reExecuted && !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            context.Result = new StatusCodeResult(StatusCodes.Status405MethodNotAllowed);
            return;
        }

        var executed = await next();
        if (executed.Result is PageResult && !executed.ModelState.IsValid)
        {
            context.HttpContext.Response.StatusCode = StatusCodes.Status400BadRequest;
        }
    }
}
