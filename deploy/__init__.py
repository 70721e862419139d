"""Putting the stages together and shipping them: the build pipeline, the command line, publishing to S3 and
CloudFront, and the Lambda bundle. The cloud template (``template.yaml``) and the going-live guide sit beside it.

The stage packages (``audio``, ``feed``, ``skill``) never import this one.
"""
