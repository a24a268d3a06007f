"""The demo agency's working loop: projects, interactions, client requests and team tasks."""
