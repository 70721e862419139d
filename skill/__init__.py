"""The Alexa skill: plays an episode's sections hands-free and speaks grounding prompts on request.

Reads only ``dist/catalog.json`` (never ``audio`` or ``feed``). Entry points: ``skill.lambda_function.handler``
on AWS Lambda, and ``gentle-steps serve`` (``skill.server.run``) for the local web service.
"""
