"""The API's request and response shapes, in one place: one module per part of the API.

Responses are built with ``Model.model_validate(result)`` from what a use case returned.
"""
