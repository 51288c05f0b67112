"""Values shared by the web tests."""

# The one value changed in the HTML-name database: a real row's recipient name, rewritten to carry markup.
HTML_NAME = '<script>window.pwned=1</script><b>ACME</b> & "SONS" <img src=x onerror=alert(1)> LLC'
