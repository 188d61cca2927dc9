// Starts Swagger UI on the page served by servicekit.docs. An external file, not an inline script, so
// the page's Content-Security-Policy can allow scripts from 'self' only.
window.addEventListener("load", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    // No call to the public validator service: the page must work offline and talk only to this service.
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
